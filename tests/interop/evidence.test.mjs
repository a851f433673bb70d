// Interop test: Scribe's evidence log checked by implementations Scribe did not write.
// - JCS (RFC 8785) of each statement's `format=exact` form by the npm `canonicalize` package
//   (by one of the RFC's authors);
// - the checkpoints' C2SP signed-note signatures, the leaf hashes, the inclusion proofs and a
//   consistency proof by Go's golang.org/x/mod/sumdb/note and sumdb/tlog (Debian's
//   golang-golang-x-mod-dev), through tests/interop/tlogcheck.
// After a learner's erasure the same checker proves the erased statement's kept leaf hash and the
// store's audit trail (signed under "<origin>/audit" by the same key, every entry in order).
// Tampered inputs must make the Go checker fail, so that the test can fail.
//
// Run: SCRIBE_BIN=build/scribe node --test tests/interop/evidence.test.mjs

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import canonicalize from "canonicalize";
import { sleep, startScribe, stopScribe } from "./scribe_server.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RUN = randomUUID().slice(0, 8);

let server;
let checker; // path of the built tlogcheck binary

function buildChecker(dir) {
  const out = path.join(dir, "tlogcheck");
  const r = spawnSync("go", ["build", "-o", out, "."], {
    cwd: path.join(HERE, "tlogcheck"),
    env: {
      ...process.env,
      GO111MODULE: "off",
      GOPATH: "/usr/share/gocode",
      GOFLAGS: "",
      GOCACHE: path.join(os.tmpdir(), "scribe-tlogcheck-gocache"),
    },
    encoding: "utf8",
    timeout: 120000,
  });
  assert.equal(r.status, 0, `go build tlogcheck: ${r.error ?? ""}${r.stderr}`);
  return out;
}

function runChecker(input) {
  const r = spawnSync(checker, [], { input: JSON.stringify(input), encoding: "utf8", timeout: 60000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const base = () => `http://127.0.0.1:${server.port}/xapi`;

async function request(method, route, { query = {}, body, version = true } = {}) {
  const url = new URL(base() + route);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const headers = { Authorization: server.auth };
  if (version) headers["X-Experience-API-Version"] = "2.0.0";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, text: await r.text(), type: r.headers.get("content-type") };
}

async function evidenceText(route, query) {
  const r = await request("GET", route, { query, version: false });
  assert.equal(r.status, 200, `${route}: ${r.text}`);
  assert.match(r.type, /^text\/plain/);
  return r.text;
}

const checkpointSize = (note) => parseInt(note.split("\n")[1], 10);

// Waits (at most 10 s) for a signed checkpoint that covers `size` statements.
async function checkpointCovering(size) {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const c = await evidenceText("/evidence/checkpoint");
    if (checkpointSize(c) >= size) return c;
    await sleep(20);
  }
  assert.fail(`no checkpoint of size ${size} within 10 s`);
}

// Statements whose JCS forms exercise number formatting, UTF-16 key order and string escapes.
function statement(i) {
  return {
    id: randomUUID(),
    actor: { objectType: "Agent", name: `Lérner ${i} \u{1F600}`, mbox: `mailto:l${i}-${RUN}@example.com` },
    verb: { id: "http://adlnet.gov/expapi/verbs/completed", display: { "en-US": "completed", "fr-FR": "terminé" } },
    object: { id: `http://example.com/${RUN}/course/${i % 3}`, definition: { name: { "en-US": `Course \u2028${i}` } } },
    result: {
      score: { scaled: i / 32, raw: i * 1.5, min: 0, max: 100 },
      success: i % 2 === 0,
      duration: "PT1M30.5S",
      extensions: {
        "http://example.com/ext/numbers": [1e-7, 1e21, 12345678901234567, 0.1, -0, 5e-324, 1.7976931348623157e308, i],
        "http://example.com/ext/keys": { "é": 1, z: 2, "\u{1F600}": 3, "\uFB33": 4, "": 5, a: { b: [true, null, "\u0007\"\\/"] } },
      },
    },
    timestamp: `2026-01-0${1 + (i % 9)}T10:00:0${i % 10}.${i}25+02:00`,
  };
}

async function postStatements(list) {
  const r = await request("POST", "/statements", { body: list });
  assert.equal(r.status, 200, r.text);
  return list.map((s) => s.id);
}

// The JCS bytes of the statement as GET ?statementId=…&format=exact returns it, base64.
async function jcsOf(id) {
  const r = await request("GET", "/statements", { query: { statementId: id, format: "exact" } });
  assert.equal(r.status, 200, r.text);
  return Buffer.from(canonicalize(JSON.parse(r.text)), "utf8").toString("base64");
}

async function adminRequest(method, route, body) {
  const r = await fetch(`http://127.0.0.1:${server.port}/admin${route}`, {
    method,
    headers: { Authorization: server.auth, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, text: await r.text() };
}

describe("evidence log, verified by Go's sumdb/note and sumdb/tlog", () => {
  let input;
  let erasure; // after statement 7's learner is erased: another's proof, the erased leaf, the audit trail

  before(async () => {
    server = await startScribe({ extraArgs: ["--evidence.checkpoint_interval_ms=20"] });
    checker = buildChecker(server.dir);
    const first = await postStatements([statement(0), statement(1), statement(2)]);
    const older = await checkpointCovering(first.length);
    const rest = [];
    for (let b = 0; b < 3; b++) {
      rest.push(...(await postStatements(Array.from({ length: 7 }, (_, k) => statement(3 + b * 7 + k)))));
    }
    const single = await postStatements([statement(24)]);
    const ids = [...first, ...rest, ...single];
    const newer = await checkpointCovering(ids.length);
    const records = [];
    for (const id of ids) {
      records.push({ proof: await evidenceText("/evidence/proof", { statementId: id }), jcs: await jcsOf(id) });
    }
    // The first statement again, proven against the older checkpoint by its size.
    records.push({
      proof: await evidenceText("/evidence/proof", { statementId: first[0], size: String(checkpointSize(older)) }),
      jcs: await jcsOf(first[0]),
    });
    const consistencyText = await evidenceText("/evidence/consistency", {
      from: String(checkpointSize(older)),
      to: String(checkpointSize(newer)),
    });
    input = {
      vkey: (await evidenceText("/evidence/key")).trim(),
      checkpoints: [older, newer],
      records,
      consistency: [{ from: 0, to: 1, proof: consistencyText.split("\n").filter(Boolean) }],
    };

    const erased = await adminRequest("POST", "/stores/default/erasures", {
      agent: { mbox: `mailto:l7-${RUN}@example.com` },
      reason: "interop",
    });
    assert.equal(erased.status, 200, erased.text);
    const gone = await request("GET", "/evidence/proof", { query: { statementId: ids[7] }, version: false });
    assert.equal(gone.status, 410, gone.text);
    const g = JSON.parse(gone.text);
    const trail = await adminRequest("GET", "/stores/default/audit");
    assert.equal(trail.status, 200, trail.text);
    const t = JSON.parse(trail.text);
    assert.ok(t.entries.some((e) => e.entry.action === "erasure"));
    erasure = {
      vkey: input.vkey,
      checkpoints: [],
      consistency: [],
      records: [{ proof: await evidenceText("/evidence/proof", { statementId: ids[8] }), jcs: await jcsOf(ids[8]) }],
      erased: [{ index: g.index, leaf_hash: g.leaf_hash, proof: g.proof, checkpoint: g.checkpoint }],
      audit: {
        vkey: t.key,
        checkpoint: t.checkpoint,
        entries: t.entries.map((e) => ({
          index: e.index,
          salt: e.salt,
          proof: e.proof,
          jcs: Buffer.from(canonicalize(e.entry), "utf8").toString("base64"),
        })),
      },
    };
  });

  after(async () => {
    await stopScribe(server);
  });

  it("accepts Scribe's checkpoints, leaves and proofs", () => {
    const r = runChecker(input);
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out.trim(), `ok checkpoints=2 records=${input.records.length} consistency=1 erased=0 audit=0`);
    assert.equal(input.records.length, 26);
  });

  it("rejects a statement with one byte changed", () => {
    const records = input.records.map((x) => ({ ...x }));
    const bytes = Buffer.from(records[5].jcs, "base64");
    bytes[bytes.length - 3] ^= 1;
    records[5].jcs = bytes.toString("base64");
    const r = runChecker({ ...input, records });
    assert.equal(r.status, 1);
    assert.match(r.err, /record 5 .*invalid transparency proof/);
  });

  it("rejects two statements' proofs swapped", () => {
    const records = input.records.map((x) => ({ ...x }));
    [records[3].proof, records[4].proof] = [records[4].proof, records[3].proof];
    const r = runChecker({ ...input, records });
    assert.equal(r.status, 1);
    assert.match(r.err, /record 3 /);
  });

  it("rejects a checkpoint whose root was changed", () => {
    const lines = input.checkpoints[1].split("\n");
    lines[2] = Buffer.alloc(32, 7).toString("base64");
    const r = runChecker({ ...input, checkpoints: [input.checkpoints[0], lines.join("\n")] });
    assert.equal(r.status, 1);
    assert.match(r.err, /checkpoint 1: note: invalid signature/);
  });

  it("rejects a consistency proof between unrelated heads", () => {
    const r = runChecker({ ...input, consistency: [{ ...input.consistency[0], proof: input.consistency[0].proof.slice(1) }] });
    assert.equal(r.status, 1);
    assert.match(r.err, /consistency 0 /);
  });

  it("rejects a different key", () => {
    const [name, , key] = input.vkey.split("+");
    const other = Buffer.from(key, "base64");
    other[5] ^= 1;
    const r = runChecker({ ...input, vkey: `${name}+00000000+${other.toString("base64")}` });
    assert.equal(r.status, 1);
  });

  it("accepts an erased statement's kept leaf, another's proof after it, and the audit trail", () => {
    const r = runChecker(erasure);
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out.trim(), `ok checkpoints=0 records=1 consistency=0 erased=1 audit=${erasure.audit.entries.length}`);
  });

  it("rejects an erased leaf whose hash was changed", () => {
    const hash = Buffer.from(erasure.erased[0].leaf_hash, "base64");
    hash[0] ^= 1;
    const r = runChecker({ ...erasure, erased: [{ ...erasure.erased[0], leaf_hash: hash.toString("base64") }] });
    assert.equal(r.status, 1);
    assert.match(r.err, /erased 0 .*invalid transparency proof/);
  });

  it("rejects an audit entry changed, or dropped", () => {
    const entries = erasure.audit.entries.map((e) => ({ ...e }));
    const last = entries.length - 1;
    const changed = JSON.parse(Buffer.from(entries[last].jcs, "base64").toString("utf8"));
    changed.reason = "something else";
    entries[last].jcs = Buffer.from(canonicalize(changed), "utf8").toString("base64");
    let r = runChecker({ ...erasure, audit: { ...erasure.audit, entries } });
    assert.equal(r.status, 1);
    assert.match(r.err, new RegExp(`audit entry ${last} .*invalid transparency proof`));
    r = runChecker({ ...erasure, audit: { ...erasure.audit, entries: erasure.audit.entries.slice(0, last) } });
    assert.equal(r.status, 1);
    assert.match(r.err, /entries, the checkpoint covers/);
  });
});
