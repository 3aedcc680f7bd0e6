import assert from "node:assert/strict";
import { Committer } from "../../../engine/runtime/committer.ts";
import { FenceLost, KvStore, listRunPage, type Transition } from "../../../store/mod.ts";

function t(id: string, entries: number, message = "ok"): Transition {
  return {
    workflowId: id,
    record: {
      id,
      name: "flow",
      version: "1",
      description: "",
      module: "",
      status: "RUNNING",
      createdAt: 0,
      updatedAt: 0,
      entries,
      events: 0,
      input: { v: null },
      partition: 0,
      tasks: [],
    },
    created: entries === 1,
    history: [],
    finishedTasks: [],
    logs: [{
      id: entries,
      workflowId: id,
      workflowName: "flow",
      level: "INFO",
      message,
      createdAt: 0,
    }],
    timersSet: [],
    timersDelete: [],
    enqueue: [],
  };
}

Deno.test("Committer groups what arrives while a commit is in flight", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvStore(kv, ":memory:");
  let ops = 0;
  const original = store.commit.bind(store);
  store.commit = (ts) => {
    ops++;
    return original(ts);
  };
  const committer = new Committer(store, () => {});
  await Promise.all(Array.from({ length: 50 }, (_, i) => committer.submit(t(`w${i}`, 1))));
  assert.equal(ops, 1, "50 transitions submitted together land in one store commit");
  assert.equal((await listRunPage(store.kv, { limit: 100 })).items.length, 50);
});

Deno.test("Committer refuses a run's queued transitions once one of them was refused", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvStore(kv, ":memory:");
  const committer = new Committer(store, () => {});
  const first = committer.submit(t("run", 1));
  const refused = committer.submit(t("run", 2, "z".repeat(70_000)));
  await Promise.resolve();
  const queued = committer.submit(t("run", 3));
  const other = committer.submit(t("other", 1));
  await first;
  await assert.rejects(refused, /too large/);
  await assert.rejects(queued, /An earlier transition of workflow "run" was refused/);
  await other;
  assert.equal((await store.getWorkflow("run"))?.entries, 1);
  const after = committer.submit(t("run", 2));
  await after;
  assert.equal((await store.getWorkflow("run"))?.entries, 2, "a new transition is accepted");
});

Deno.test("Committer stops for good when the fence moved", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvStore(kv, ":memory:");
  // Fences no epoch in the store has: every commit is refused.
  for (let p = 0; p < store.partitionCount; p++) store.setFence(p, "00000000000000000001", 1);
  let lost: Error | undefined;
  const committer = new Committer(store, (e) => lost = e);
  await assert.rejects(committer.submit(t("a", 1)), FenceLost);
  assert.ok(lost instanceof FenceLost);
  await assert.rejects(committer.submit(t("b", 1)), FenceLost);
});
