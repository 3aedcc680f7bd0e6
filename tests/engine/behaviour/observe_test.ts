import assert from "node:assert/strict";
import { type EngineChange, WorkflowStillRunningError } from "../../../engine/mod.ts";
import { engineTest } from "../../_helpers.ts";
import { ClassFlow, SignalFlow } from "../../fixtures/flows.ts";

engineTest("logs are stored with their transition, tasks record the work", async (engine) => {
  const changes: EngineChange[] = [];
  const unsubscribe = engine.subscribe((c) => changes.push(c));
  const handle = await engine.start(ClassFlow, { x: 1 });
  await handle.result();
  unsubscribe();
  const { items: logs } = await engine.reader.queryLogs({ workflowId: handle.workflowId }, {
    limit: 100,
  });
  assert.deepEqual(logs.map((l) => [l.level, l.message, l.step]).reverse(), [
    ["INFO", "first step", "first"],
    ["WARNING", "second step done", "second_step"],
  ]);
  const logged = changes.flatMap((c) => c.logs.map((l) => l.message));
  assert.deepEqual(logged, ["first step", "second step done"]);
  const ids = changes.flatMap((c) => c.events.map((e) => e.id));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "event ids increase");
  const stored = await engine.reader.eventsOf(handle.workflowId);
  assert.deepEqual(stored.map((e) => e.id), ids);
  const byId = await engine.reader.event(ids[3] as number);
  assert.equal(byId?.type, stored[3]?.type);
  const tasks = await engine.reader.listTasks({ workflowId: handle.workflowId });
  assert.deepEqual(tasks.map((t) => [t.kind, t.target, t.status]).reverse(), [
    ["ACTIVITY", "t_double", "COMPLETED"],
    ["ACTIVITY", "t_add_one", "COMPLETED"],
    ["STEP", "t_class", "COMPLETED"],
  ], "finished tasks, in the order they finished");
  assert.equal(changes.at(-1)?.status, "COMPLETED");
});

engineTest(
  "result({ wait: false }) of a running run throws WorkflowStillRunningError",
  async (engine) => {
    const handle = await engine.start(SignalFlow, {});
    await assert.rejects(handle.result({ wait: false }), WorkflowStillRunningError);
    const [task] = await engine.reader.listTasks({ workflowId: handle.workflowId, kind: "STEP" });
    assert.equal(task?.status, "RUNNING");
    const controller = new AbortController();
    const waiting = handle.result({ signal: controller.signal });
    controller.abort(new Error("stop waiting"));
    await assert.rejects(waiting, /stop waiting/);
    await handle.signal("go", 1);
    assert.deepEqual(await handle.result(), { received: [1], timedOut: false });
  },
);
