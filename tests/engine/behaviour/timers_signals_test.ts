import assert from "node:assert/strict";
import {
  InvalidArgumentError,
  InvalidPayloadError,
  WorkflowNotRunningError,
} from "../../../engine/mod.ts";
import { engineTest, until } from "../../_helpers.ts";
import { SeqFlow, SignalFlow, SleepFlow } from "../../fixtures/flows.ts";

engineTest("sleep and sleepUntil wait durably, in order", async (engine) => {
  const started = Date.now();
  const handle = await engine.start(SleepFlow, { ms: 60 });
  const state = await handle.result();
  assert.ok(Date.now() - started >= 120, "both sleeps waited");
  assert.ok(state.after - state.before >= 120, "ctx.now() moved on with the timers");
  const tasks = await engine.reader.listTasks({ workflowId: handle.workflowId, kind: "TIMER" });
  assert.equal(tasks.length, 2);
  assert.ok(tasks.every((t) => t.status === "COMPLETED"));
  const events = (await engine.reader.eventsOf(handle.workflowId)).map((e) => e.type);
  assert.deepEqual(events.filter((t) => t.startsWith("TIMER")), [
    "TIMER_SCHEDULED",
    "TIMER_FIRED",
    "TIMER_SCHEDULED",
    "TIMER_FIRED",
  ]);
});

engineTest("a signal resumes a waiting workflow with its data", async (engine) => {
  const handle = await engine.start(SignalFlow, { count: 2 });
  await until(
    async () =>
      (await engine.reader.eventsOf(handle.workflowId)).some((e) => e.type === "SIGNAL_WAITING"),
    "the wait",
  );
  await handle.signal("go", { n: 1 });
  await handle.signal("go", [2]);
  assert.deepEqual(await handle.result(), { received: [{ n: 1 }, [2]], timedOut: false });
  const received = (await engine.reader.eventsOf(handle.workflowId)).filter((e) =>
    e.type === "SIGNAL_RECEIVED"
  );
  assert.deepEqual(received.map((e) => (e.payload as { name: string; payload: unknown }).payload), [
    { n: 1 },
    [2],
  ]);
});

engineTest("a signal sent before the workflow waits is kept, not lost", async (engine) => {
  const handle = await engine.start(SignalFlow, { sleepFirst: 80 });
  await handle.signal("go", "early");
  assert.deepEqual(await handle.result(), { received: ["early"], timedOut: false });
});

engineTest("waitForSignal with a timeout rejects with SignalTimeoutError", async (engine) => {
  const handle = await engine.start(SignalFlow, { timeout: 50 });
  assert.deepEqual(await handle.result(), { received: [], timedOut: true });
  const fast = await engine.start(SignalFlow, { timeout: 5_000 });
  await fast.signal("go", "quick");
  assert.deepEqual(await fast.result(), { received: ["quick"], timedOut: false });
  const events = (await engine.reader.eventsOf(fast.workflowId)).map((e) => e.type);
  assert.ok(events.includes("TIMER_CANCELLED"), "the timeout timer is cancelled by the signal");
  const [timer] = await engine.reader.listTasks({ workflowId: fast.workflowId, kind: "TIMER" });
  assert.equal(timer?.status, "FAILED");
  assert.equal(timer?.lastError, "cancelled");
});

engineTest("signalling a finished workflow is refused and changes nothing", async (engine) => {
  const handle = await engine.start(SeqFlow, { n: 1 });
  await handle.result();
  const before = (await handle.info()).eventCount;
  await assert.rejects(handle.signal("go", 1), (e: unknown) => {
    assert.ok(e instanceof WorkflowNotRunningError);
    assert.match(e.message, /Cannot signal "go" to workflow ".*": it is COMPLETED/);
    return true;
  });
  assert.equal((await handle.info()).eventCount, before);
  await assert.rejects(engine.getHandle("nope").signal("go"), /Workflow "nope" not found/);
});

engineTest("bad signal names and data are refused", async (engine) => {
  const handle = await engine.start(SignalFlow, {});
  await assert.rejects(handle.signal("", 1), InvalidArgumentError);
  await assert.rejects(
    handle.signal("go", { x: undefined } as never),
    (e: unknown) => e instanceof InvalidPayloadError && e.field === 'signal "go" data.x',
  );
  await handle.signal("go", 3);
  assert.deepEqual(await handle.result(), { received: [3], timedOut: false });
});
