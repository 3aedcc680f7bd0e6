import assert from "node:assert/strict";
import { countByStatus, countRuns, queryRuns, runNames } from "../../../store/queries/mod.ts";
import type { WorkflowRecord } from "../../../store/mod.ts";
import { withRuns } from "./_runs.ts";

const ids = (page: { items: WorkflowRecord[] }) => page.items.map((r) => r.id);

Deno.test("queryRuns lists newest first, and oldest first on request", () =>
  withRuns(async (kv) => {
    assert.deepEqual(ids(await queryRuns(kv, {}, { limit: 10 })), [
      "c2",
      "c1",
      "b2",
      "b1",
      "a2",
      "a1",
    ]);
    assert.deepEqual(ids(await queryRuns(kv, {}, { limit: 2, oldestFirst: true })), [
      "a1",
      "a2",
    ]);
  }));

Deno.test("queryRuns filters by status, exact name, name text and id prefix", () =>
  withRuns(async (kv) => {
    assert.deepEqual(ids(await queryRuns(kv, { statuses: ["RUNNING"] }, { limit: 10 })), [
      "b2",
      "a2",
    ]);
    assert.deepEqual(ids(await queryRuns(kv, { names: ["order"] }, { limit: 10 })), [
      "c1",
      "a2",
      "a1",
    ]);
    assert.deepEqual(
      ids(await queryRuns(kv, { nameContains: "BILL" }, { limit: 10 })),
      ["b2", "b1"],
      "two names contain the text, case-insensitively, merged by time",
    );
    assert.deepEqual(
      ids(await queryRuns(kv, { names: ["order"], statuses: ["RUNNING"] }, { limit: 10 })),
      ["a2"],
    );
    assert.deepEqual(ids(await queryRuns(kv, { idPrefix: "b" }, { limit: 10 })), ["b2", "b1"]);
    assert.deepEqual(ids(await queryRuns(kv, { nameContains: "zzz" }, { limit: 10 })), []);
  }));

Deno.test("queryRuns filters by start time: after inclusive, before exclusive", () =>
  withRuns(async (kv) => {
    const page = await queryRuns(kv, { createdAfter: 2000, createdBefore: 5000 }, { limit: 10 });
    assert.deepEqual(ids(page), ["b2", "b1", "a2"]);
    const named = await queryRuns(kv, { names: ["order"], createdAfter: 2000 }, { limit: 10 });
    assert.deepEqual(ids(named), ["c1", "a2"]);
  }));

Deno.test("queryRuns resumes after a position without gaps or repeats, in both orders", () =>
  withRuns(async (kv) => {
    for (const oldestFirst of [false, true]) {
      const all = ids(await queryRuns(kv, {}, { limit: 100, oldestFirst }));
      const seen: string[] = [];
      let after: { createdAt: number; id: string } | undefined;
      while (true) {
        const page = await queryRuns(kv, {}, {
          limit: 2,
          oldestFirst,
          ...(after === undefined ? {} : { after }),
        });
        seen.push(...ids(page));
        const last = page.items.at(-1);
        if (!page.more || last === undefined) break;
        after = { createdAt: last.createdAt, id: last.id };
      }
      assert.deepEqual(seen, all);
    }
  }));

Deno.test("queryRuns skips an offset and reports whether more follow", () =>
  withRuns(async (kv) => {
    const page = await queryRuns(kv, {}, { offset: 2, limit: 2 });
    assert.deepEqual(ids(page), ["b2", "b1"]);
    assert.equal(page.more, true);
    const last = await queryRuns(kv, {}, { offset: 4, limit: 2 });
    assert.deepEqual(ids(last), ["a2", "a1"]);
    assert.equal(last.more, false);
    const filtered = await queryRuns(kv, {
      names: ["order"],
      statuses: ["RUNNING", "CANCELLED"],
    }, {
      offset: 1,
      limit: 5,
    });
    assert.deepEqual(ids(filtered), ["a2"]);
  }));

Deno.test("countRuns, countByStatus and runNames read the indexes", () =>
  withRuns(async (kv) => {
    assert.equal(await countRuns(kv, {}), 6);
    assert.equal(await countRuns(kv, { statuses: ["RUNNING", "FAILED"] }), 3);
    assert.equal(await countRuns(kv, { names: ["order"], statuses: ["COMPLETED"] }), 1);
    assert.equal(await countRuns(kv, { idPrefix: "c" }), 2);
    assert.equal(await countRuns(kv, { createdAfter: 5000 }), 2);
    assert.deepEqual(await countByStatus(kv, ["RUNNING", "COMPLETED", "FAILED"]), {
      RUNNING: 2,
      COMPLETED: 2,
      FAILED: 1,
    });
    assert.deepEqual(await runNames(kv), ["Cleanup", "billing", "billing-v2", "order"]);
  }));
