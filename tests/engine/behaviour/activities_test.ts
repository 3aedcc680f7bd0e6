import assert from "node:assert/strict";
import {
  ActivityFailedError,
  WorkflowExecutionError,
  WorkflowStatus,
} from "../../../engine/mod.ts";
import { engineTest, traceLines } from "../../_helpers.ts";
import {
  CatchFlow,
  LargeFlow,
  ParallelFlow,
  RetryFlow,
  ThrowFlow,
  TimeoutFlow,
  TwiceFlow,
} from "../../fixtures/flows.ts";

engineTest(
  "an activity that succeeds after retries completes its workflow",
  async (engine, { dir }) => {
    const trace = `${dir}/retry.trace`;
    const handle = await engine.start(RetryFlow, { failTimes: 2, trace });
    assert.deepEqual(await handle.result(), { result: "ok after 3" });
    assert.deepEqual(await traceLines(trace), ["attempt 1", "attempt 2", "attempt 3"]);
    const events = await engine.reader.eventsOf(handle.workflowId);
    assert.equal(events.filter((e) => e.type === "ACTIVITY_RETRYING").length, 2);
    assert.equal(events.filter((e) => e.type === "ACTIVITY_SCHEDULED").length, 1);
    const [task] = await engine.reader.listTasks({
      workflowId: handle.workflowId,
      kind: "ACTIVITY",
    });
    assert.equal(task?.status, "COMPLETED");
    assert.equal(task?.attempts, 3);
    assert.equal(task?.maxAttempts, 4);
  },
);

engineTest("retryCount counts retries after the first attempt", async (engine, { dir }) => {
  const trace = `${dir}/retry.trace`;
  const handle = await engine.start(RetryFlow, { failTimes: 10, trace });
  await assert.rejects(handle.result(), (e: unknown) => {
    assert.ok(e instanceof ActivityFailedError);
    assert.equal(e.activityName, "t_flaky");
    assert.equal(e.errorMessage, "boom 4");
    return true;
  });
  assert.equal((await traceLines(trace)).length, 4);
  const [task] = await engine.reader.listTasks({ workflowId: handle.workflowId, kind: "ACTIVITY" });
  assert.equal(task?.status, "FAILED");
  assert.equal(task?.lastError, "boom 4");
});

engineTest(
  "a timeout aborts the attempt, fires its signal and counts as a failure",
  async (engine, { dir }) => {
    const trace = `${dir}/timeout.trace`;
    const handle = await engine.start(TimeoutFlow, { trace });
    const state = await handle.result();
    assert.equal(state.name, "ActivityTimeoutError");
    assert.match(state.error, /timed out after 0\.1 s/);
    assert.deepEqual(await traceLines(trace), [
      "aborted 1: ActivityTimeoutError",
      "aborted 2: ActivityTimeoutError",
    ]);
  },
);

engineTest("workflow code can catch an activity failure and go on", async (engine) => {
  const handle = await engine.start(CatchFlow, { rethrow: false });
  assert.deepEqual(await handle.result(), { caught: "no luck", activity: "t_always_fails" });
});

engineTest(
  "an uncaught activity failure rejects result() with ActivityFailedError",
  async (engine) => {
    const handle = await engine.start(CatchFlow, { rethrow: true });
    await assert.rejects(
      handle.result(),
      (e: unknown) =>
        e instanceof ActivityFailedError && e.activityName === "t_always_fails" &&
        e.errorMessage === "no luck",
    );
    assert.equal(await handle.status(), WorkflowStatus.Failed);
    const info = await handle.info();
    assert.equal(info.error?.code, "ACTIVITY_FAILED");
    const events = await engine.reader.eventsOf(handle.workflowId);
    const failed = events.find((e) => e.type === "WORKFLOW_FAILED");
    assert.match(
      (failed?.payload as { error: string }).error,
      /Activity "t_always_fails" failed: no luck/,
    );
  },
);

engineTest("a non-retryable error fails at once", async (engine, { dir }) => {
  const trace = `${dir}/fatal.trace`;
  const handle = await engine.start(CatchFlow, { rethrow: true, fatal: true, trace });
  await assert.rejects(handle.result(), ActivityFailedError);
  assert.deepEqual(await traceLines(trace), ["fatal attempt"]);
});

engineTest(
  "any other error rejects result() with WorkflowExecutionError and its cause",
  async (engine) => {
    const handle = await engine.start(ThrowFlow, null);
    await assert.rejects(handle.result(), (e: unknown) => {
      assert.ok(e instanceof WorkflowExecutionError);
      assert.match(e.message, /bad thing/);
      assert.equal((e.cause as Error).name, "TypeError");
      return true;
    });
  },
);

engineTest("a second call of the same activity gets its own arguments", async (engine) => {
  const handle = await engine.start(TwiceFlow, null);
  assert.deepEqual(await handle.result(), { results: [2, 10] });
});

engineTest("Promise.all and Promise.race over durable calls work", async (engine) => {
  const handle = await engine.start(ParallelFlow, { n: 12 });
  const state = await handle.result();
  assert.deepEqual(state.doubled, Array.from({ length: 12 }, (_, i) => i * 2));
  assert.equal(state.winner, "sleep");
  assert.equal(state.loser, "activity");
  const events = await engine.reader.eventsOf(handle.workflowId);
  assert.ok(
    events.some((e) => e.type === "ACTIVITY_CANCELLED"),
    "the losing activity is cancelled at the end",
  );
  assert.ok(events.some((e) => e.type === "TIMER_CANCELLED"), "the losing timer is cancelled");
});

engineTest("payloads over 64 KiB are chunked and read back whole", async (engine) => {
  const blob = "é".repeat(70_000);
  const handle = await engine.start(LargeFlow, { blob, size: 300_000 });
  const state = await handle.result();
  assert.equal(state.echo, blob);
  assert.equal(state.big.length, 300_000);
  assert.equal(
    (await handle.info()).input && ((await handle.info()).input as { blob: string }).blob,
    blob,
  );
  const events = await engine.reader.eventsOf(handle.workflowId);
  const completed = events.find((e) => e.type === "ACTIVITY_COMPLETED");
  assert.equal((completed?.payload as { result: string }).result.length, 300_000);
});
