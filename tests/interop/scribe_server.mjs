// Shared helpers for the interop tests (statements.test.mjs, documents.test.mjs): start a scribe
// of their own on 127.0.0.1 (port 0, temp data dir, bounded wait), stop it by PID, and small
// request utilities.
//
// SCRIBE_BIN names the scribe binary. Importing this module also puts 127.0.0.1 and localhost
// into NO_PROXY so that axios never routes loopback requests through a proxy from the environment.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import XAPI from "@xapi/xapi";

for (const k of ["NO_PROXY", "no_proxy"]) {
  process.env[k] = ["127.0.0.1", "localhost", process.env[k]].filter(Boolean).join(",");
}

export const VERSIONS = ["1.0.3", "2.0.0"];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts `scribe serve` (with `extraArgs`, e.g. TLS files) and waits (at most 15 s) for its port
// file. Returns { proc, dir, port, scheme, auth, key, secret, exited(), log() }; `auth` is the
// bootstrap credential as a Basic header.
export async function startScribe({ extraArgs = [], scheme = "http" } = {}) {
  const bin = process.env.SCRIBE_BIN;
  assert.ok(bin, "set SCRIBE_BIN to the scribe binary");
  assert.ok(fs.existsSync(bin), `SCRIBE_BIN=${bin} does not exist`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scribe-interop-"));
  const dataDir = path.join(dir, "data");
  const portFile = path.join(dir, "port");
  let log = "";
  const proc = spawn(
    bin,
    [
      "serve",
      `--storage.data_dir=${dataDir}`,
      "--server.host=127.0.0.1",
      "--server.port=0",
      `--port-file=${portFile}`,
      ...extraArgs,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stdout.on("data", (d) => (log += d));
  proc.stderr.on("data", (d) => (log += d));
  let exited = null;
  proc.on("exit", (code, sig) => (exited = { code, sig }));
  const deadline = Date.now() + 15000;
  let port = 0;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      port = parseInt(fs.readFileSync(portFile, "utf8").trim(), 10) || 0;
    } catch {
      port = 0;
    }
    if (port) break;
    await sleep(20);
  }
  if (!port) {
    if (!exited) proc.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`scribe did not start (exit ${JSON.stringify(exited)}); output:\n${log}`);
  }
  const cred = Object.fromEntries(
    fs
      .readFileSync(path.join(dataDir, "bootstrap-credential.txt"), "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1).trim()]),
  );
  return {
    proc,
    dir,
    port,
    scheme,
    key: cred.key,
    secret: cred.secret,
    auth: XAPI.toBasicAuth(cred.key, cred.secret),
    exited: () => exited,
    log: () => log,
  };
}

// SIGTERM by PID, wait at most 10 s, then SIGKILL (and fail); removes the temp dir.
export async function stopScribe(s) {
  if (!s) return;
  if (!s.exited()) {
    process.kill(s.proc.pid, "SIGTERM");
    const deadline = Date.now() + 10000;
    while (!s.exited() && Date.now() < deadline) await sleep(20);
    if (!s.exited()) {
      process.kill(s.proc.pid, "SIGKILL");
      while (!s.exited()) await sleep(20);
      throw new Error("scribe did not stop within 10 s of SIGTERM");
    }
  }
  fs.rmSync(s.dir, { recursive: true, force: true });
}

// An @xapi/xapi client for `server`, speaking xAPI `version` (the X-Experience-API-Version header),
// with the bootstrap credential or the Basic header `auth`.
export function clientFor(server, version, auth = server.auth) {
  return new XAPI({
    endpoint: `${server.scheme}://127.0.0.1:${server.port}/xapi`,
    auth,
    version,
  });
}

// Awaits a request; returns its HTTP status, also when axios rejects it for a 4xx/5xx.
export async function httpStatusOf(promise) {
  try {
    const r = await promise;
    return r.status;
  } catch (e) {
    if (e.response) return e.response.status;
    throw e;
  }
}
