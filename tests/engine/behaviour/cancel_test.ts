import assert from "node:assert/strict";
import {
  WorkflowCancelledError,
  WorkflowNotFoundError,
  WorkflowNotRunningError,
  WorkflowStatus,
} from "../../../engine/mod.ts";
import { engineTest, traceLines, until } from "../../_helpers.ts";
import { CancelFlow, SeqFlow, SignalFlow } from "../../fixtures/flows.ts";

engineTest(
  "cancel aborts the running activity and ends the run CANCELLED",
  async (engine, { dir }) => {
    const trace = `${dir}/cancel.trace`;
    const handle = await engine.start(CancelFlow, { trace, mode: "propagate" });
    await until(async () => (await traceLines(trace)).includes("started"), "the activity to start");
    await handle.cancel("user asked");
    await assert.rejects(
      handle.result(),
      (e: unknown) => e instanceof WorkflowCancelledError && e.reason === "user asked",
    );
    assert.equal(await handle.status(), WorkflowStatus.Cancelled);
    await until(async () => (await traceLines(trace)).includes("aborted"), "the abort signal");
    const types = (await engine.reader.eventsOf(handle.workflowId)).map((e) => e.type);
    assert.deepEqual(types.slice(-3), [
      "CANCEL_REQUESTED",
      "ACTIVITY_CANCELLED",
      "WORKFLOW_CANCELLED",
    ]);
    const [task] = await engine.reader.listTasks({
      workflowId: handle.workflowId,
      kind: "ACTIVITY",
    });
    assert.equal(task?.status, "FAILED");
    assert.equal(task?.lastError, "cancelled: user asked");
    await handle.cancel("again");
  },
);

engineTest("durable calls after a cancel work (compensation)", async (engine, { dir }) => {
  const trace = `${dir}/cancel.trace`;
  const handle = await engine.start(CancelFlow, { trace, mode: "compensate" });
  await until(async () => (await traceLines(trace)).includes("started"), "the activity to start");
  await handle.cancel("rollback");
  await assert.rejects(handle.result(), WorkflowCancelledError);
  const events = await engine.reader.eventsOf(handle.workflowId);
  const completed = events.filter((e) => e.type === "ACTIVITY_COMPLETED");
  assert.deepEqual(completed.map((e) => (e.payload as { result: unknown }).result), [
    "undone: rollback",
  ]);
});

engineTest("a run that swallows the cancellation completes", async (engine, { dir }) => {
  const trace = `${dir}/cancel.trace`;
  const handle = await engine.start(CancelFlow, { trace, mode: "swallow" });
  await until(async () => (await traceLines(trace)).includes("started"), "the activity to start");
  await handle.cancel("ignored");
  assert.deepEqual(await handle.result(), { after: "went on" });
  assert.equal(await handle.status(), WorkflowStatus.Completed);
});

engineTest("cancel of a waiting run, an unknown id and a finished run", async (engine) => {
  const waiting = await engine.start(SignalFlow, {});
  await waiting.cancel("no longer needed");
  await assert.rejects(waiting.result(), WorkflowCancelledError);
  await assert.rejects(engine.getHandle("missing").cancel("x"), WorkflowNotFoundError);
  const done = await engine.start(SeqFlow, { n: 1 });
  await done.result();
  await assert.rejects(done.cancel("late"), WorkflowNotRunningError);
  assert.equal(await done.status(), WorkflowStatus.Completed);
});
