import assert from "node:assert/strict";
import { createEngine, LoomReader } from "../../../engine/mod.ts";
import { ClassFlow, SignalFlow } from "../../fixtures/flows.ts";

Deno.test("LoomReader reads runs, a run's input, result, history and events, logs, tasks, counts", async () => {
  using kv = await Deno.openKv(":memory:");
  await using engine = await createEngine({ kv });
  const done = await engine.start(ClassFlow, { x: 1 }, { workflowId: "done" });
  const final = await done.result();
  await engine.start(SignalFlow, {}, { workflowId: "waiting" });
  const reader = new LoomReader(kv, "mem");
  assert.equal(reader.where, "mem");
  assert.equal(engine.reader.where, "(given handle)");

  const record = await reader.run("done");
  assert.ok(record !== undefined);
  assert.deepEqual(await reader.input(record), { x: 1 });
  assert.deepEqual(await reader.result(record), final);
  assert.equal(await reader.result((await reader.run("waiting"))!), undefined);
  assert.deepEqual((await reader.runs(["waiting", "none"])).map((r) => r?.id), [
    "waiting",
    undefined,
  ]);
  assert.deepEqual(await reader.info(record), await done.info());
  assert.deepEqual(await reader.list(), await engine.list());
  assert.deepEqual((await reader.runPage({ status: "COMPLETED" })).items.map((r) => r.id), [
    "done",
  ]);
  assert.deepEqual((await reader.queryRuns({}, { limit: 10 })).items.map((r) => r.id), [
    "waiting",
    "done",
  ]);
  assert.equal(await reader.countRuns({ statuses: ["RUNNING"] }), 1);
  assert.deepEqual(await reader.countByStatus(["COMPLETED"]), { COMPLETED: 1 });
  assert.deepEqual(await reader.runNames(), ["t_class", "t_signal"].sort());
  assert.deepEqual(await reader.findRunIds("do"), ["done"]);

  const events = await reader.eventsOf("done");
  assert.equal(events.length, record.events);
  assert.equal((await reader.history("done")).length, record.entries);
  assert.deepEqual(await reader.event(events[0]!.id), events[0]);
  const all = await reader.queryEvents({}, { limit: 1000 });
  assert.equal(await reader.countEvents({}), all.items.length);
  assert.deepEqual(await reader.lastIds(), { event: all.items.length, log: 2 });

  assert.equal((await reader.queryLogs({ workflowId: "done" }, { limit: 10 })).items.length, 2);
  assert.equal(await reader.countLogs({ levels: ["WARNING"] }), 1);

  const tasks = await reader.listTasks({ workflowId: "done" });
  assert.ok(tasks.length > 0);
  assert.deepEqual(await reader.task(tasks[0]!.id), tasks[0]);
  assert.equal((await reader.allTasks({ statuses: ["PENDING", "RUNNING"] })).length > 0, true);
  const counts = await reader.countRecords();
  assert.deepEqual(counts.workflows, { COMPLETED: 1, RUNNING: 1 });
  assert.deepEqual(await reader.value("done", record.input), { x: 1 });
});
