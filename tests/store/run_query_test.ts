import assert from "node:assert/strict";
import {
  countByStatus,
  countRuns,
  KvStore,
  queryRuns,
  runNames,
  type WorkflowRecord,
} from "../../store/mod.ts";
import { keys } from "../../store/keys.ts";

function record(id: string, name: string, status: string, createdAt: number): WorkflowRecord {
  return {
    id,
    name,
    version: "1.0.0",
    description: "",
    module: "",
    status,
    createdAt,
    updatedAt: createdAt,
    entries: 0,
    events: 0,
    input: { v: null },
    partition: 0,
    tasks: [],
  };
}

/** Writes runs with their indexes, as a transition that creates them does. */
async function seed(kv: Deno.Kv, runs: WorkflowRecord[]): Promise<void> {
  for (const r of runs) {
    await kv.atomic()
      .set(keys.workflow(r.id), r)
      .set(keys.byStatus(r.status, r.createdAt, r.id), null)
      .set(keys.byName(r.name, r.createdAt, r.id), null)
      .set(keys.byTime(r.createdAt, r.id), null)
      .commit();
  }
}

async function withRuns(fn: (store: KvStore) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await seed(kv, [
      record("a1", "order", "COMPLETED", 1000),
      record("a2", "order", "RUNNING", 2000),
      record("b1", "billing", "FAILED", 3000),
      record("b2", "billing-v2", "RUNNING", 4000),
      record("c1", "order", "CANCELLED", 5000),
      record("c2", "Cleanup", "COMPLETED", 5000),
    ]);
    await fn(new KvStore(kv, ":memory:"));
  } finally {
    kv.close();
  }
}

const ids = (page: { items: WorkflowRecord[] }) => page.items.map((r) => r.id);

Deno.test("queryRuns lists newest first, and oldest first on request", () =>
  withRuns(async (store) => {
    assert.deepEqual(ids(await queryRuns(store, {}, { limit: 10 })), [
      "c2",
      "c1",
      "b2",
      "b1",
      "a2",
      "a1",
    ]);
    assert.deepEqual(ids(await queryRuns(store, {}, { limit: 2, oldestFirst: true })), [
      "a1",
      "a2",
    ]);
  }));

Deno.test("queryRuns filters by status, exact name, name text and id prefix", () =>
  withRuns(async (store) => {
    assert.deepEqual(ids(await queryRuns(store, { statuses: ["RUNNING"] }, { limit: 10 })), [
      "b2",
      "a2",
    ]);
    assert.deepEqual(ids(await queryRuns(store, { names: ["order"] }, { limit: 10 })), [
      "c1",
      "a2",
      "a1",
    ]);
    assert.deepEqual(
      ids(await queryRuns(store, { nameContains: "BILL" }, { limit: 10 })),
      ["b2", "b1"],
      "two names contain the text, case-insensitively, merged by time",
    );
    assert.deepEqual(
      ids(await queryRuns(store, { names: ["order"], statuses: ["RUNNING"] }, { limit: 10 })),
      ["a2"],
    );
    assert.deepEqual(ids(await queryRuns(store, { idPrefix: "b" }, { limit: 10 })), ["b2", "b1"]);
    assert.deepEqual(ids(await queryRuns(store, { nameContains: "zzz" }, { limit: 10 })), []);
  }));

Deno.test("queryRuns filters by start time: after inclusive, before exclusive", () =>
  withRuns(async (store) => {
    const page = await queryRuns(store, { createdAfter: 2000, createdBefore: 5000 }, { limit: 10 });
    assert.deepEqual(ids(page), ["b2", "b1", "a2"]);
    const named = await queryRuns(store, { names: ["order"], createdAfter: 2000 }, { limit: 10 });
    assert.deepEqual(ids(named), ["c1", "a2"]);
  }));

Deno.test("queryRuns resumes after a position without gaps or repeats, in both orders", () =>
  withRuns(async (store) => {
    for (const oldestFirst of [false, true]) {
      const all = ids(await queryRuns(store, {}, { limit: 100, oldestFirst }));
      const seen: string[] = [];
      let after: { createdAt: number; id: string } | undefined;
      while (true) {
        const page = await queryRuns(store, {}, {
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
  withRuns(async (store) => {
    const page = await queryRuns(store, {}, { offset: 2, limit: 2 });
    assert.deepEqual(ids(page), ["b2", "b1"]);
    assert.equal(page.more, true);
    const last = await queryRuns(store, {}, { offset: 4, limit: 2 });
    assert.deepEqual(ids(last), ["a2", "a1"]);
    assert.equal(last.more, false);
    const filtered = await queryRuns(store, {
      names: ["order"],
      statuses: ["RUNNING", "CANCELLED"],
    }, {
      offset: 1,
      limit: 5,
    });
    assert.deepEqual(ids(filtered), ["a2"]);
  }));

Deno.test("countRuns, countByStatus and runNames read the indexes", () =>
  withRuns(async (store) => {
    assert.equal(await countRuns(store, {}), 6);
    assert.equal(await countRuns(store, { statuses: ["RUNNING", "FAILED"] }), 3);
    assert.equal(await countRuns(store, { names: ["order"], statuses: ["COMPLETED"] }), 1);
    assert.equal(await countRuns(store, { idPrefix: "c" }), 2);
    assert.equal(await countRuns(store, { createdAfter: 5000 }), 2);
    assert.deepEqual(await countByStatus(store.kv, ["RUNNING", "COMPLETED", "FAILED"]), {
      RUNNING: 2,
      COMPLETED: 2,
      FAILED: 1,
    });
    assert.deepEqual(await runNames(store.kv), ["Cleanup", "billing", "billing-v2", "order"]);
  }));

Deno.test("KvStore.listWorkflows accepts the largest page size, 1000", () =>
  withRuns(async (store) => {
    const page = await store.listWorkflows({ limit: 1000 });
    assert.equal(page.items.length, 6);
  }));
