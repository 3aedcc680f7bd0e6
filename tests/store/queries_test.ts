import assert from "node:assert/strict";
import { createEngine } from "../../engine/mod.ts";
import { countRecords, findWorkflowIds, wipeRecords } from "../../store/mod.ts";
import { until } from "../_helpers.ts";
import { SeqFlow, SignalFlow, ThrowFlow } from "../fixtures/flows.ts";

Deno.test("countRecords() counts runs by status, tasks, events, logs, timers and the inbox", async () => {
  await using engine = await createEngine({ kvPath: ":memory:", pollIntervalMs: 20 });
  assert.deepEqual(await countRecords(engine.store), {
    workflows: {},
    tasks: {},
    events: 0,
    logs: 0,
    timers: 0,
    inbox: 0,
  });
  await (await engine.start(SeqFlow, { n: 2 }, { workflowId: "a" })).result();
  await engine.start(ThrowFlow, null, { workflowId: "b" }).then((h) => h.result()).catch(() => {});
  await engine.start(SignalFlow, { timeout: 60_000 }, { workflowId: "c" });
  await until(async () => (await engine.store.listEventsOf("c")).length > 2, "c to wait");
  const counts = await countRecords(engine.store);
  assert.deepEqual(counts.workflows, { COMPLETED: 1, FAILED: 1, RUNNING: 1 });
  assert.equal(counts.timers, 1, "the signal timeout");
  const events = (await Promise.all(["a", "b", "c"].map((id) => engine.store.listEventsOf(id))))
    .reduce((n, e) => n + e.length, 0);
  assert.equal(counts.events, events);
  const tasks = await engine.store.listTasks({ limit: 1000 });
  assert.equal(Object.values(counts.tasks).reduce((a, b) => a + b, 0), tasks.length);
  assert.equal(counts.tasks.COMPLETED, tasks.filter((t) => t.status === "COMPLETED").length);
});

Deno.test("findWorkflowIds() finds runs by the start of their id", async () => {
  await using engine = await createEngine({ kvPath: ":memory:" });
  for (const id of ["order-1", "order-2", "other", "ord"]) {
    await engine.start(SignalFlow, {}, { workflowId: id });
  }
  assert.deepEqual(await findWorkflowIds(engine.store, "order-"), ["order-1", "order-2"]);
  assert.deepEqual(await findWorkflowIds(engine.store, "ord"), ["ord", "order-1", "order-2"]);
  assert.deepEqual(await findWorkflowIds(engine.store, "ord", 1), ["ord"]);
  assert.deepEqual(await findWorkflowIds(engine.store, "x"), []);
});

Deno.test("wipeRecords() deletes every record but the schema version and the owner keys", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const engine = await createEngine({ kv });
    await (await engine.start(SeqFlow, { n: 3 })).result();
    await engine.close();
    const before = await Array.fromAsync(kv.list({ prefix: [] }));
    assert.ok(before.length > 10);
    const deleted = await wipeRecords(kv);
    const after = (await Array.fromAsync(kv.list({ prefix: [] }))).map((e) => e.key[0]);
    assert.deepEqual(after.sort(), ["meta", "owner_epoch"]);
    assert.equal(deleted, before.length - 2);
  } finally {
    kv.close();
  }
});
