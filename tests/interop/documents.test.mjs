// Interop test: drives Scribe's document resources (State, Activity Profile, Agent Profile) and
// the Agents and Activities resources with a real xAPI client library (@xapi/xapi, axios), for
// xAPI 1.0.3 and 2.0.0, including ETag concurrency (If-Match / If-None-Match, 409, 412).
//
// Run: SCRIBE_BIN=build/scribe node --test tests/interop/documents.test.mjs
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
const ETAG = /^"[0-9a-fA-F]+"$/; // Scribe sends a quoted hex digest
const WRONG_ETAG = `"${"0".repeat(40)}"`;

let server; // see scribe_server.mjs startScribe

before(async () => {
  server = await startScribe();
});

after(async () => {
  await stopScribe(server);
});

// An xAPI timestamp strictly between the writes before and after it (same host clock as scribe).
async function cutTime() {
  await sleep(30);
  const t = new Date().toISOString();
  await sleep(30);
  return t;
}

const sorted = (a) => [...a].sort();

// The two profile resources differ only in how the document is addressed; one suite covers both.
// Each entry maps the suite's operations onto the library's methods for that resource.
const PROFILE_KINDS = {
  "Activity Profile": {
    resource: "activities/profile",
    scope: (ctx) => ({ activityId: ctx.activityId }),
    set: (x, p) => x.setActivityProfile(p),
    get: (x, p) => x.getActivityProfile(p),
    list: (x, p) => x.getActivityProfiles(p),
    del: (x, p) => x.deleteActivityProfile(p),
  },
  "Agent Profile": {
    resource: "agents/profile",
    scope: (ctx) => ({ agent: ctx.agent }),
    set: (x, p) => x.setAgentProfile(p),
    get: (x, p) => x.getAgentProfile(p),
    list: (x, p) => x.getAgentProfiles(p),
    del: (x, p) => x.deleteAgentProfile(p),
  },
};

for (const v of VERSIONS) {
  describe(`xAPI ${v} documents via @xapi/xapi`, () => {
    let xapi;
    const tag = `${RUN}-${v}`;
    const base = `http://example.com/interop-docs/${tag}`;
    const agent = { objectType: "Agent", mbox: `mailto:learner-${tag}@example.com` };

    before(() => {
      xapi = clientFor(server, v);
    });

    // A PUT with no If-Match / If-None-Match at all: the library's setXxxProfile always sets
    // a match header, so this goes through its underlying requestResource.
    const putWithoutPrecondition = (resource, queryParams, data) =>
      xapi.requestResource({ resource, queryParams, requestConfig: { method: "PUT", data } });

    describe("State", () => {
      const activityId = `${base}/act/state`;
      const where = (extra = {}) => ({ agent, activityId, ...extra });

      it("sets a state document and gets it back with an ETag", async () => {
        const put = await xapi.setState({ ...where(), stateId: "bookmark", state: { page: 1, pos: { x: 1 } } });
        assert.equal(put.status, 204);
        const got = await xapi.getState({ ...where(), stateId: "bookmark" });
        assert.equal(got.status, 200);
        assert.deepEqual(got.data, { page: 1, pos: { x: 1 } });
        assert.match(got.headers.etag, ETAG);
        assert.match(got.headers["content-type"], /^application\/json/);
      });

      it("merges a JSON object into the state with POST (top-level properties)", async () => {
        const before = (await xapi.getState({ ...where(), stateId: "bookmark" })).headers.etag;
        const post = await xapi.createState({ ...where(), stateId: "bookmark", state: { pos: { y: 2 }, done: false } });
        assert.equal(post.status, 204);
        const got = await xapi.getState({ ...where(), stateId: "bookmark" });
        assert.deepEqual(got.data, { page: 1, pos: { y: 2 }, done: false });
        assert.match(got.headers.etag, ETAG);
        assert.notEqual(got.headers.etag, before, "the ETag changes with the content");
      });

      it("replaces the state with PUT and If-Match set to its ETag", async () => {
        const { etag } = (await xapi.getState({ ...where(), stateId: "bookmark" })).headers;
        const put = await xapi.setState({
          ...where(),
          stateId: "bookmark",
          state: { page: 7 },
          etag,
          matchHeader: "If-Match",
        });
        assert.equal(put.status, 204);
        assert.deepEqual((await xapi.getState({ ...where(), stateId: "bookmark" })).data, { page: 7 });
      });

      it("rejects a PUT with a wrong If-Match ETag (412) and keeps the document", async () => {
        const status = await httpStatusOf(
          xapi.setState({ ...where(), stateId: "bookmark", state: { page: 99 }, etag: WRONG_ETAG, matchHeader: "If-Match" }),
        );
        assert.equal(status, 412);
        assert.deepEqual((await xapi.getState({ ...where(), stateId: "bookmark" })).data, { page: 7 });
      });

      if (v === "2.0.0") {
        it("2.0.0: a PUT without precondition on an existing state is 409", async () => {
          const status = await httpStatusOf(
            putWithoutPrecondition("activities/state", { ...where(), stateId: "bookmark" }, { page: 8 }),
          );
          assert.equal(status, 409);
          assert.deepEqual((await xapi.getState({ ...where(), stateId: "bookmark" })).data, { page: 7 });
        });
      } else {
        it("1.0.3: a PUT without precondition on an existing state replaces it", async () => {
          const put = await xapi.setState({ ...where(), stateId: "bookmark", state: { page: 8 } });
          assert.equal(put.status, 204);
          assert.deepEqual((await xapi.getState({ ...where(), stateId: "bookmark" })).data, { page: 8 });
        });
      }

      // registration is part of a single document's address, and an optional filter on lists
      // and on the multiple DELETE (without it they cover every registration).
      const registration = randomUUID();

      it("addresses a state by registration; lists filter by it only when given", async () => {
        await xapi.setState({ ...where({ registration }), stateId: "reg-only", state: { r: 1 } });
        assert.deepEqual((await xapi.getState({ ...where({ registration }), stateId: "reg-only" })).data, { r: 1 });
        assert.equal(
          await httpStatusOf(xapi.getState({ ...where(), stateId: "reg-only" })),
          404,
          "not found without its registration",
        );
        assert.equal(
          await httpStatusOf(xapi.getState({ ...where({ registration }), stateId: "bookmark" })),
          404,
          "a state without registration is not found under one",
        );
        assert.deepEqual((await xapi.getStates(where({ registration }))).data, ["reg-only"]);
        assert.deepEqual(sorted((await xapi.getStates(where())).data), ["bookmark", "reg-only"]);
      });

      it("lists state ids, and with since only those updated after it", async () => {
        const listAct = `${base}/act/state-list`;
        const at = { agent, activityId: listAct };
        await xapi.setState({ ...at, stateId: "early", state: { n: 1 } });
        const cut = await cutTime();
        await xapi.setState({ ...at, stateId: "late-1", state: { n: 2 } });
        await xapi.setState({ ...at, stateId: "late-2", state: { n: 3 } });
        const all = await xapi.getStates(at);
        assert.equal(all.status, 200);
        assert.deepEqual(sorted(all.data), ["early", "late-1", "late-2"]);
        const since = await xapi.getStates({ ...at, since: cut });
        assert.deepEqual(sorted(since.data), ["late-1", "late-2"]);
        // Updating the early one moves it after the cut.
        await xapi.createState({ ...at, stateId: "early", state: { m: 1 } });
        assert.deepEqual(sorted((await xapi.getStates({ ...at, since: cut })).data), ["early", "late-1", "late-2"]);
      });

      it("deletes one state", async () => {
        await xapi.setState({ ...where(), stateId: "scratch", state: { s: 1 } });
        const del = await xapi.deleteState({ ...where(), stateId: "scratch" });
        assert.equal(del.status, 204);
        assert.equal(await httpStatusOf(xapi.getState({ ...where(), stateId: "scratch" })), 404);
        assert.ok(!(await xapi.getStates(where())).data.includes("scratch"));
      });

      it("deletes all states of the agent and activity (every registration)", async () => {
        const before = await xapi.getStates(where());
        assert.ok(before.data.includes("bookmark"), `before: ${JSON.stringify(before.data)}`);
        const del = await xapi.deleteStates(where());
        assert.equal(del.status, 204);
        assert.deepEqual((await xapi.getStates(where())).data, []);
        assert.equal(await httpStatusOf(xapi.getState({ ...where(), stateId: "bookmark" })), 404);
        assert.equal(await httpStatusOf(xapi.getState({ ...where({ registration }), stateId: "reg-only" })), 404);
        // Another activity's states are untouched.
        const other = await xapi.getStates({ agent, activityId: `${base}/act/state-list` });
        assert.equal(other.data.length, 3);
      });
    });

    for (const [kindName, kind] of Object.entries(PROFILE_KINDS)) {
      describe(kindName, () => {
        const ctx = {
          activityId: `${base}/act/profiled`,
          agent: { objectType: "Agent", mbox: `mailto:profiled-${tag}@example.com` },
        };
        const scope = kind.scope(ctx);
        const at = (profileId) => ({ ...scope, profileId });
        const getData = async (profileId) => (await kind.get(xapi, at(profileId))).data;
        let etag; // current ETag of "settings"

        it("creates a profile with If-None-Match: *", async () => {
          const r = await kind.set(xapi, {
            ...at("settings"),
            profile: { theme: "dark", size: 1 },
            etag: "*",
            matchHeader: "If-None-Match",
          });
          assert.equal(r.status, 204);
        });

        it("gets the profile with its ETag", async () => {
          const r = await kind.get(xapi, at("settings"));
          assert.equal(r.status, 200);
          assert.deepEqual(r.data, { theme: "dark", size: 1 });
          assert.match(r.headers.etag, ETAG);
          assert.ok(r.headers["last-modified"], "Last-Modified is set");
          etag = r.headers.etag;
        });

        it("refuses a second create with If-None-Match: * (412)", async () => {
          const status = await httpStatusOf(
            kind.set(xapi, { ...at("settings"), profile: { theme: "x" }, etag: "*", matchHeader: "If-None-Match" }),
          );
          assert.equal(status, 412);
          assert.deepEqual(await getData("settings"), { theme: "dark", size: 1 });
        });

        it("updates the profile with If-Match set to its ETag", async () => {
          const r = await kind.set(xapi, {
            ...at("settings"),
            profile: { theme: "light", size: 2 },
            etag,
            matchHeader: "If-Match",
          });
          assert.equal(r.status, 204);
          const got = await kind.get(xapi, at("settings"));
          assert.deepEqual(got.data, { theme: "light", size: 2 });
          assert.match(got.headers.etag, ETAG);
          assert.notEqual(got.headers.etag, etag, "the ETag changes with the content");
        });

        it("rejects an update with a stale or wrong ETag (412)", async () => {
          for (const bad of [etag, WRONG_ETAG]) {
            const status = await httpStatusOf(
              kind.set(xapi, { ...at("settings"), profile: { theme: "lost" }, etag: bad, matchHeader: "If-Match" }),
            );
            assert.equal(status, 412, `If-Match: ${bad}`);
          }
          assert.deepEqual(await getData("settings"), { theme: "light", size: 2 });
          etag = (await kind.get(xapi, at("settings"))).headers.etag;
        });

        it("a PUT without precondition on an existing profile is 409", async () => {
          const status = await httpStatusOf(putWithoutPrecondition(kind.resource, at("settings"), { theme: "none" }));
          assert.equal(status, 409);
          assert.deepEqual(await getData("settings"), { theme: "light", size: 2 });
        });

        if (v === "1.0.3") {
          it("1.0.3: a PUT without precondition on a new profile is 400", async () => {
            const status = await httpStatusOf(putWithoutPrecondition(kind.resource, at("unguarded"), { u: 1 }));
            assert.equal(status, 400);
            assert.equal(await httpStatusOf(kind.get(xapi, at("unguarded"))), 404);
          });
        } else {
          it("2.0.0: a PUT without precondition on a new profile creates it", async () => {
            const r = await putWithoutPrecondition(kind.resource, at("unguarded"), { u: 1 });
            assert.equal(r.status, 204);
            assert.deepEqual(await getData("unguarded"), { u: 1 });
            await kind.del(xapi, at("unguarded"));
          });
        }

        it("lists profile ids, and with since only those updated after it", async () => {
          const cut = await cutTime();
          await kind.set(xapi, { ...at("later"), profile: { l: 1 }, etag: "*", matchHeader: "If-None-Match" });
          const all = await kind.list(xapi, scope);
          assert.equal(all.status, 200);
          assert.deepEqual(sorted(all.data), ["later", "settings"]);
          assert.deepEqual((await kind.list(xapi, { ...scope, since: cut })).data, ["later"]);
        });

        it("refuses a delete with a wrong ETag (412), then deletes with the right one", async () => {
          assert.equal(await httpStatusOf(kind.del(xapi, { ...at("settings"), etag: WRONG_ETAG })), 412);
          assert.deepEqual(await getData("settings"), { theme: "light", size: 2 });
          const r = await kind.del(xapi, { ...at("settings"), etag });
          assert.equal(r.status, 204);
          assert.equal(await httpStatusOf(kind.get(xapi, at("settings"))), 404);
          const del = await kind.del(xapi, at("later"));
          assert.equal(del.status, 204);
          assert.deepEqual((await kind.list(xapi, scope)).data, []);
        });
      });
    }

    describe("Agents", () => {
      it("returns a Person with arrays for an agent named in a statement", async () => {
        const mbox = `mailto:person-${tag}@example.com`;
        const actor = { objectType: "Agent", name: `Pat ${tag}`, mbox };
        await xapi.sendStatement({
          statement: {
            actor,
            verb: { id: `${base}/verbs/met`, display: { "en-US": "met" } },
            object: { objectType: "Activity", id: `${base}/act/met` },
          },
        });
        const r = await xapi.getAgent({ agent: { objectType: "Agent", mbox } });
        assert.equal(r.status, 200);
        assert.equal(r.data.objectType, "Person");
        assert.ok(Array.isArray(r.data.name), `name is an array: ${JSON.stringify(r.data)}`);
        assert.ok(Array.isArray(r.data.mbox), `mbox is an array: ${JSON.stringify(r.data)}`);
        assert.ok(r.data.name.includes(actor.name), `name ${JSON.stringify(r.data.name)}`);
        assert.deepEqual(r.data.mbox, [mbox]);
      });

      it("returns a Person for an agent no statement has named", async () => {
        const mbox = `mailto:nobody-${tag}@example.com`;
        const r = await xapi.getAgent({ agent: { objectType: "Agent", mbox } });
        assert.equal(r.status, 200);
        assert.equal(r.data.objectType, "Person");
        assert.deepEqual(r.data.mbox, [mbox]);
        assert.ok(!r.data.name || r.data.name.length === 0, `no name: ${JSON.stringify(r.data)}`);
      });
    });

    describe("Activities", () => {
      it("returns the definition merged from two statements with different language names", async () => {
        const activityId = `${base}/act/course`;
        const actor = { objectType: "Agent", mbox: `mailto:student-${tag}@example.com` };
        const verb = { id: `${base}/verbs/attempted`, display: { "en-US": "attempted" } };
        const statements = [
          {
            actor,
            verb,
            object: {
              objectType: "Activity",
              id: activityId,
              definition: { name: { "en-US": "Course" }, description: { "en-US": "A course" } },
            },
          },
          {
            actor,
            verb,
            object: {
              objectType: "Activity",
              id: activityId,
              definition: { name: { "fr-FR": "Cours" } },
            },
          },
        ];
        for (const statement of statements) await xapi.sendStatement({ statement });
        const r = await xapi.getActivity({ activityId });
        assert.equal(r.status, 200);
        assert.equal(r.data.id, activityId);
        assert.equal(r.data.objectType ?? "Activity", "Activity");
        assert.deepEqual(r.data.definition.name, { "en-US": "Course", "fr-FR": "Cours" });
        assert.deepEqual(r.data.definition.description, { "en-US": "A course" });
      });

      it("returns the bare Activity for an id no statement has defined", async () => {
        const activityId = `${base}/act/undefined`;
        const r = await xapi.getActivity({ activityId });
        assert.equal(r.status, 200);
        assert.equal(r.data.id, activityId);
        assert.ok(!r.data.definition, `no definition: ${JSON.stringify(r.data)}`);
      });
    });
  });
}
