import assert from "node:assert/strict";
import { createEngine } from "../../../engine/mod.ts";
import { countRecords, eventsOf, listTasks } from "../../../store/queries/mod.ts";
import { until } from "../../_helpers.ts";
import { SeqFlow, SignalFlow, ThrowFlow } from "../../fixtures/flows.ts";

Deno.test("countRecords() counts runs by status, tasks, events, logs, timers and the inbox", async () => {
  using kv = await Deno.openKv(":memory:");
  await using engine = await createEngine({ kv, pollIntervalMs: 20 });
  assert.deepEqual(await countRecords(kv), {
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
  await until(async () => (await eventsOf(kv, "c")).length > 2, "c to wait");
  const counts = await countRecords(kv);
  assert.deepEqual(counts.workflows, { COMPLETED: 1, FAILED: 1, RUNNING: 1 });
  assert.equal(counts.timers, 1, "the signal timeout");
  const events = (await Promise.all(["a", "b", "c"].map((id) => eventsOf(kv, id))))
    .reduce((n, e) => n + e.length, 0);
  assert.equal(counts.events, events);
  const tasks = await listTasks(kv, { limit: 1000 });
  assert.equal(Object.values(counts.tasks).reduce((a, b) => a + b, 0), tasks.length);
  assert.equal(counts.tasks.COMPLETED, tasks.filter((t) => t.status === "COMPLETED").length);
});
