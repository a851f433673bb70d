// Interop test: drives Scribe's statements resource with a real xAPI client library
// (@xapi/xapi, which speaks HTTP through axios), for xAPI 1.0.3 and 2.0.0.
//
// Run: SCRIBE_BIN=build/scribe node --test tests/interop/statements.test.mjs
// (tests/interop/install.sh installs the library first). The test starts its own scribe on
// 127.0.0.1 with port 0 and a temp data dir, and stops it by PID at the end (scribe_server.mjs).

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  VERSIONS,
  sleep,
  startScribe,
  stopScribe,
  clientFor,
  httpStatusOf,
} from "./scribe_server.mjs";

const RUN = randomUUID().slice(0, 8); // keeps every IRI/mbox of this run unique
const VOIDED = "http://adlnet.gov/expapi/verbs/voided";

// Comparable key for an xAPI timestamp such as 2026-01-02T03:04:05.123456Z (UTC, as `stored` is):
// the fraction is padded to nanoseconds so that string order is time order.
const tkey = (ts) => {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]00:?00)$/.exec(ts);
  assert.ok(m, `stored timestamp in UTC: ${ts}`);
  return `${m[1]}.${(m[2] || "").padEnd(9, "0")}`;
};

let server; // see scribe_server.mjs startScribe

before(async () => {
  server = await startScribe();
});

after(async () => {
  await stopScribe(server);
});

const ids = (statements) => statements.map((s) => s.id);

function mkStatement(v, { actor, verb, activity, registration, id = randomUUID() }) {
  return {
    id,
    actor,
    verb: { id: verb, display: { "en-US": verb.split("/").pop() } },
    object: { objectType: "Activity", id: activity },
    context: { registration },
    result: { completion: true },
  };
}

for (const v of VERSIONS) {
  describe(`xAPI ${v} via @xapi/xapi`, () => {
    let xapi;
    const tag = `${RUN}-${v}`;
    const base = `http://example.com/interop/${tag}`;
    const agentA = { objectType: "Agent", name: "A", mbox: `mailto:a-${tag}@example.com` };
    const agentB = { objectType: "Agent", name: "B", mbox: `mailto:b-${tag}@example.com` };

    before(() => {
      xapi = clientFor(server, v); // sets the X-Experience-API-Version header
    });

    it("GET /about lists the version", async () => {
      const r = await xapi.getAbout();
      assert.equal(r.status, 200);
      assert.ok(r.data.version.includes(v), `about.version ${JSON.stringify(r.data.version)}`);
    });

    it("sends one statement and fetches it by id", async () => {
      const st = mkStatement(v, {
        actor: agentA,
        verb: `${base}/verbs/single`,
        activity: `${base}/act/single`,
        registration: randomUUID(),
      });
      const sent = await xapi.sendStatement({ statement: st });
      assert.equal(sent.status, 200);
      assert.deepEqual(sent.data, [st.id]);
      const got = await xapi.getStatement({ statementId: st.id });
      assert.equal(got.status, 200);
      assert.equal(got.headers["x-experience-api-version"], v);
      assert.equal(got.data.id, st.id);
      assert.equal(got.data.actor.mbox, agentA.mbox);
      assert.equal(got.data.verb.id, st.verb.id);
      assert.equal(got.data.object.id, st.object.id);
      assert.equal(got.data.context.registration, st.context.registration);
      assert.ok(got.data.stored, "stored is set");
      assert.ok(got.data.timestamp, "timestamp is set");
      assert.ok(got.data.authority, "authority is set");
    });

    it("sends a statement without id and gets a generated one", async () => {
      const st = mkStatement(v, {
        actor: agentB,
        verb: `${base}/verbs/noid`,
        activity: `${base}/act/noid`,
        registration: randomUUID(),
      });
      delete st.id;
      const sent = await xapi.sendStatement({ statement: st });
      assert.equal(sent.data.length, 1);
      assert.match(sent.data[0], /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const got = await xapi.getStatement({ statementId: sent.data[0] });
      assert.equal(got.data.verb.id, st.verb.id);
    });

    it("sends a batch and fetches each statement", async () => {
      const reg = randomUUID();
      const batch = Array.from({ length: 5 }, (_, i) =>
        mkStatement(v, {
          actor: agentB,
          verb: `${base}/verbs/batch`,
          activity: `${base}/act/batch/${i}`,
          registration: reg,
        }),
      );
      const sent = await xapi.sendStatements({ statements: batch });
      assert.equal(sent.status, 200);
      assert.deepEqual(sent.data, ids(batch));
      for (const st of batch) {
        const got = await xapi.getStatement({ statementId: st.id });
        assert.equal(got.data.object.id, st.object.id);
      }
    });

    it("returns 404 for an unknown statementId", async () => {
      assert.equal(await httpStatusOf(xapi.getStatement({ statementId: randomUUID() })), 404);
    });

    describe("queries", () => {
      // 25 statements under one registration, plus a decoy under another, written in three
      // batches with pauses so that `stored` differs between batches.
      const agentQ1 = { objectType: "Agent", name: "Q1", mbox: `mailto:q1-${tag}@example.com` };
      const agentQ2 = { objectType: "Agent", account: { homePage: "http://example.com", name: `q2-${tag}` } };
      const reg = randomUUID();
      const otherReg = randomUUID();
      const verbX = `${base}/verbs/x`;
      const verbY = `${base}/verbs/y`;
      const actX = `${base}/act/x`;
      const actY = `${base}/act/y`;
      const sent = [];
      let all; // the 25 as returned by the LRS, newest first

      const matching = (pred) =>
        new Set(sent.filter(pred).map((s) => s.id));
      const allPages = async (first) => {
        const pages = [first.data.statements];
        let more = first.data.more;
        for (let i = 0; more && i < 20; i++) {
          const r = await xapi.getMoreStatements({ more });
          assert.equal(r.status, 200);
          pages.push(r.data.statements);
          more = r.data.more;
        }
        assert.ok(!more, "more chain ended within 20 pages");
        return pages;
      };
      const query = async (params) => {
        const pages = await allPages(await xapi.getStatements(params));
        return pages.flat();
      };

      before(async () => {
        for (let i = 0; i < 25; i++) {
          sent.push(
            mkStatement(v, {
              actor: i % 2 === 0 ? agentQ1 : agentQ2,
              verb: i % 3 === 0 ? verbX : verbY,
              activity: i % 5 === 0 ? actX : actY,
              registration: reg,
            }),
          );
        }
        for (const [from, to] of [[0, 10], [10, 20], [20, 25]]) {
          const r = await xapi.sendStatements({ statements: sent.slice(from, to) });
          assert.deepEqual(r.data, ids(sent.slice(from, to)));
          await sleep(15);
        }
        const decoy = mkStatement(v, { actor: agentQ1, verb: verbX, activity: actX, registration: otherReg });
        await xapi.sendStatement({ statement: decoy });
        sent.push(decoy);
        const r = await xapi.getStatements({ registration: reg });
        assert.equal(r.status, 200);
        all = r.data.statements;
        assert.equal(all.length, 25);
        assert.ok(!r.data.more, `no more link expected for 25 statements, got ${r.data.more}`);
      });

      it("filters by registration", () => {
        assert.deepEqual(new Set(ids(all)), matching((s) => s.context.registration === reg));
      });

      it("returns newest first by default", () => {
        for (let i = 1; i < all.length; i++) {
          assert.ok(tkey(all[i - 1].stored) >= tkey(all[i].stored), `stored order at ${i}`);
        }
        // Batches were written in order: the last batch's statements come first.
        const pos = new Map(ids(all).map((id, i) => [id, i]));
        assert.ok(pos.get(sent[24].id) < pos.get(sent[0].id));
      });

      it("filters by agent", async () => {
        const got = await query({ agent: agentQ1 });
        assert.deepEqual(new Set(ids(got)), matching((s) => s.actor === agentQ1));
      });

      it("filters by verb", async () => {
        const got = await query({ verb: verbX });
        assert.deepEqual(new Set(ids(got)), matching((s) => s.verb.id === verbX));
      });

      it("filters by activity", async () => {
        const got = await query({ activity: actX });
        assert.deepEqual(new Set(ids(got)), matching((s) => s.object.id === actX));
      });

      it("combines agent, verb, activity and registration", async () => {
        const got = await query({ agent: agentQ1, verb: verbX, activity: actX, registration: reg });
        const want = matching(
          (s) =>
            s.actor === agentQ1 &&
            s.verb.id === verbX &&
            s.object.id === actX &&
            s.context.registration === reg,
        );
        assert.ok(want.size > 0);
        assert.deepEqual(new Set(ids(got)), want);
      });

      it("applies since (exclusive) and until (inclusive)", async () => {
        const asc = [...all].reverse();
        const cut = asc[9].stored; // stored of the 10th oldest
        const after = new Set(ids(asc.filter((s) => tkey(s.stored) > tkey(cut))));
        const upTo = new Set(ids(asc.filter((s) => tkey(s.stored) <= tkey(cut))));
        assert.ok(after.size > 0 && upTo.size > 0, "cut splits the set");
        const gotSince = await query({ registration: reg, since: cut });
        assert.deepEqual(new Set(ids(gotSince)), after);
        const gotUntil = await query({ registration: reg, until: cut });
        assert.deepEqual(new Set(ids(gotUntil)), upTo);
        const gotBoth = await query({ registration: reg, since: asc[0].stored, until: cut });
        assert.deepEqual(
          new Set(ids(gotBoth)),
          new Set(ids(asc.filter((s) => tkey(s.stored) > tkey(asc[0].stored) && tkey(s.stored) <= tkey(cut)))),
        );
      });

      it("returns oldest first with ascending=true", async () => {
        const got = await query({ registration: reg, ascending: true });
        assert.deepEqual(ids(got), ids(all).reverse());
      });

      it("pages with limit and follows more to the end (25 / 10 = 3 pages)", async () => {
        const first = await xapi.getStatements({ registration: reg, limit: 10 });
        assert.equal(first.data.statements.length, 10);
        assert.ok(first.data.more, "first page has a more link");
        const pages = await allPages(first);
        assert.deepEqual(pages.map((p) => p.length), [10, 10, 5]);
        assert.deepEqual(ids(pages.flat()), ids(all), "pages concatenate to the full result in order");
      });

      it("pages ascending with limit", async () => {
        const pages = await allPages(await xapi.getStatements({ registration: reg, limit: 10, ascending: true }));
        assert.deepEqual(pages.map((p) => p.length), [10, 10, 5]);
        assert.deepEqual(ids(pages.flat()), ids(all).reverse());
      });

      it("limit=1 with filters pages one by one", async () => {
        const pages = await allPages(await xapi.getStatements({ agent: agentQ2, verb: verbX, limit: 1 }));
        const want = matching((s) => s.actor === agentQ2 && s.verb.id === verbX);
        assert.ok(pages.every((p) => p.length === 1));
        assert.deepEqual(new Set(ids(pages.flat())), want);
      });
    });

    describe("voiding", () => {
      const verbV = `${base}/verbs/to-be-voided`;
      const target = mkStatement(v, {
        actor: agentA,
        verb: verbV,
        activity: `${base}/act/voided`,
        registration: randomUUID(),
      });
      let voidingId;

      before(async () => {
        await xapi.sendStatement({ statement: target });
        const r = await xapi.voidStatement({ actor: agentB, statementId: target.id });
        assert.equal(r.status, 200);
        assert.equal(r.data.length, 1);
        voidingId = r.data[0];
      });

      it("the voided statement is gone from GET by statementId (404)", async () => {
        assert.equal(await httpStatusOf(xapi.getStatement({ statementId: target.id })), 404);
      });

      it("the voided statement is returned by voidedStatementId", async () => {
        const r = await xapi.getVoidedStatement({ voidedStatementId: target.id });
        assert.equal(r.status, 200);
        assert.equal(r.data.id, target.id);
        assert.equal(r.data.verb.id, verbV);
      });

      it("voidedStatementId of a statement that is not voided is 404", async () => {
        assert.equal(await httpStatusOf(xapi.getVoidedStatement({ voidedStatementId: voidingId })), 404);
      });

      it("the voiding statement is stored", async () => {
        const r = await xapi.getStatement({ statementId: voidingId });
        assert.equal(r.data.verb.id, VOIDED);
        assert.deepEqual(r.data.object, { objectType: "StatementRef", id: target.id });
      });

      it("a query by the voided statement's verb returns the voiding statement, not the voided one", async () => {
        const r = await xapi.getStatements({ verb: verbV });
        const got = ids(r.data.statements);
        assert.ok(got.includes(voidingId), `voiding statement ${voidingId} in ${JSON.stringify(got)}`);
        assert.ok(!got.includes(target.id), "voided statement is not returned by a query");
      });

      it("the voided statement is not returned by a query on its registration", async () => {
        const r = await xapi.getStatements({ registration: target.context.registration });
        assert.ok(!ids(r.data.statements).includes(target.id));
      });

      it("re-sending the voided statement's id with different content is a 409 conflict", async () => {
        const changed = { ...target, result: { completion: false } };
        assert.equal(await httpStatusOf(xapi.sendStatement({ statement: changed })), 409);
      });
    });
  });
}
