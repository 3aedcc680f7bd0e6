import assert from "node:assert/strict";
import { pendingWork, replay, WorkflowMachine } from "../../../engine/replay/mod.ts";
import {
  activity,
  defineWorkflow,
  Registry,
  SignalTimeoutError,
  WorkflowCancelledError,
} from "../../../engine/mod.ts";
import { settle } from "../../../engine/runtime/settle.ts";
import { cancel, completed, Driver, fired, signal, types } from "./_machine.ts";

const registry = new Registry();
const inc = activity({ name: "m_inc", registry }, (n: number) => n + 1);
const say = activity({ name: "m_say", registry }, (s: string) => s);

const sequential = defineWorkflow<{ n: number }, { total: number }>({
  name: "m_seq",
  registry,
  steps: [async function count(ctx) {
    let x = 0;
    for (let i = 0; i < ctx.input.n; i++) x = await ctx.activity(inc, x);
    await ctx.state.set("total", x);
  }],
});

Deno.test("WorkflowMachine turns a start into STEP_START and the first activity", async () => {
  const d = new Driver(sequential, { n: 2 });
  const out = await d.start();
  assert.deepEqual(types(out), ["STEP_START", "ACTIVITY_SCHEDULED"]);
  assert.deepEqual(out.outbound[1]?.payload, {
    seq: 1,
    name: "m_inc",
    description: "",
    retry_count: 0,
    timeout_seconds: 60,
    func: "m_inc",
    module: (out.outbound[1]?.payload as { module: string }).module,
    args: [0],
  });
  assert.equal(out.status, "RUNNING");
  const next = await d.step(completed(1, 1));
  assert.deepEqual(types(next), ["ACTIVITY_SCHEDULED"]);
  const end = await d.step(completed(2, 2));
  assert.deepEqual(types(end), ["STATE_SET", "STEP_END", "WORKFLOW_COMPLETED"]);
  assert.equal(end.status, "COMPLETED");
  assert.deepEqual(end.state, { total: 2 });
});

Deno.test("WorkflowMachine ignores resolutions it is not waiting for", async () => {
  const d = new Driver(sequential, { n: 1 });
  await d.start();
  const out = await d.step(completed(7, "stray"), fired(1));
  assert.deepEqual(out.inbound, []);
  assert.deepEqual(out.outbound, []);
});

const guarded = defineWorkflow<null, { value: string; errors: number }>({
  name: "m_guarded",
  registry,
  steps: [async function guarded(ctx) {
    let errors = 0;
    let value = "";
    try {
      value = await ctx.activity(say, "hi");
    } catch {
      errors++;
    }
    await ctx.state.set("value", value);
    await ctx.state.set("errors", errors);
  }],
});

Deno.test("WorkflowMachine suspends inside a catch-all try/catch and resumes", async () => {
  const d = new Driver(guarded);
  const out = await d.start();
  assert.deepEqual(types(out), ["STEP_START", "ACTIVITY_SCHEDULED"]);
  assert.equal(d.machine.pendingCount, 1);
  const end = await d.step(completed(1, "hi"));
  assert.deepEqual(end.state, { value: "hi", errors: 0 });
});

const stuck = defineWorkflow({
  name: "m_stuck",
  registry,
  steps: [async function waitsOnFetch() {
    // Long enough that it cannot fire before the activation's macrotask boundary, even on a
    // loaded machine.
    await new Promise((r) => setTimeout(r, 200));
  }],
});

Deno.test("WorkflowMachine fails a run that awaits something that is not durable", async () => {
  const d = new Driver(stuck);
  const out = await d.start();
  assert.equal(out.status, "FAILED");
  assert.equal(out.error?.code, "WORKFLOW_STUCK");
  assert.match(out.error?.message ?? "", /stuck in step "waitsOnFetch"/);
  assert.deepEqual(types(out), ["STEP_START", "WORKFLOW_FAILED"]);
  await new Promise((r) => setTimeout(r, 250)); // the step's own timer ends before the test
});

const parallel = defineWorkflow<null, { all: number[]; first: string }>({
  name: "m_parallel",
  registry,
  steps: [async function fan(ctx) {
    const all = await Promise.all([ctx.activity(inc, 1), ctx.activity(inc, 2)]);
    await ctx.state.set("all", all);
    const first = await Promise.race([
      ctx.activity(say, "slow"),
      ctx.sleep(10).then(() => "timer"),
      ctx.waitForSignal<string>("poke"),
    ]);
    await ctx.state.set("first", first);
  }],
});

Deno.test("WorkflowMachine runs Promise.all and Promise.race over durable calls", async () => {
  const d = new Driver(parallel);
  assert.deepEqual(types(await d.start()), [
    "STEP_START",
    "ACTIVITY_SCHEDULED",
    "ACTIVITY_SCHEDULED",
  ]);
  assert.deepEqual(types(await d.step(completed(2, 3))), []);
  const raced = await d.step(completed(1, 2));
  assert.deepEqual(types(raced), [
    "STATE_SET",
    "ACTIVITY_SCHEDULED",
    "TIMER_SCHEDULED",
    "SIGNAL_WAITING",
  ]);
  const end = await d.step(signal("poke", "signal wins"));
  assert.deepEqual(end.state, { all: [2, 3], first: "signal wins" });
  assert.deepEqual(types(end), [
    "STATE_SET",
    "STEP_END",
    "ACTIVITY_CANCELLED",
    "TIMER_CANCELLED",
    "WORKFLOW_COMPLETED",
  ]);
  const again = new WorkflowMachine({ workflowId: "wf-1", definition: parallel, input: null });
  await replay(again, d.history, settle, { name: "m_parallel", id: "wf-1" });
  assert.equal(again.status, "COMPLETED");
});

const signals = defineWorkflow<{ timeout?: number }, { got: unknown[]; timedOut: boolean }>({
  name: "m_signals",
  registry,
  steps: [async function listen(ctx) {
    const got: unknown[] = [];
    try {
      await ctx.sleep(5);
      got.push(await ctx.waitForSignal("a"));
      got.push(
        await ctx.waitForSignal("a", ctx.input.timeout ? { timeout: ctx.input.timeout } : {}),
      );
      await ctx.state.set("timedOut", false);
    } catch (e) {
      if (!(e instanceof SignalTimeoutError)) throw e;
      await ctx.state.set("timedOut", true);
    }
    await ctx.state.set("got", got);
  }],
});

Deno.test("WorkflowMachine keeps signals that arrive before the wait", async () => {
  const d = new Driver(signals, {});
  await d.start();
  assert.deepEqual(types(await d.step(signal("a", 1), signal("a", 2), signal("b", 9))), []);
  const end = await d.step(fired(1));
  assert.deepEqual(end.state, { timedOut: false, got: [1, 2] });
});

Deno.test("WorkflowMachine rejects a wait whose timeout fires with SignalTimeoutError", async () => {
  const d = new Driver(signals, { timeout: 100 });
  await d.start();
  await d.step(fired(1));
  const waiting = await d.step(signal("a", "first"));
  assert.deepEqual(types(waiting), ["SIGNAL_WAITING", "TIMER_SCHEDULED"]);
  const end = await d.step(fired(3));
  assert.deepEqual(end.state, { timedOut: true, got: ["first"] });
});

const cancellable = defineWorkflow<{ mode: string }, { undo: string; after: boolean }>({
  name: "m_cancel",
  registry,
  steps: [async function work(ctx) {
    try {
      await ctx.activity(say, "long");
    } catch (e) {
      if (!(e instanceof WorkflowCancelledError) || ctx.input.mode === "propagate") throw e;
      await ctx.state.set("undo", await ctx.activity(say, `undo ${e.reason}`));
      if (ctx.input.mode === "compensate") throw e;
    }
    await ctx.state.set("after", true);
  }],
});

Deno.test("WorkflowMachine cancel rejects the pending call and lets compensation run", async () => {
  const d = new Driver(cancellable, { mode: "compensate" });
  await d.start();
  const out = await d.step(cancel("stop"));
  assert.deepEqual(types(out), ["ACTIVITY_CANCELLED", "ACTIVITY_SCHEDULED"]);
  assert.deepEqual((out.outbound[1]?.payload as { args: unknown[] }).args, ["undo stop"]);
  const end = await d.step(completed(2, "undone"));
  assert.equal(end.status, "CANCELLED");
  assert.deepEqual(types(end).at(-1), "WORKFLOW_CANCELLED");
  assert.deepEqual(end.state, { undo: "undone" });
});

Deno.test("WorkflowMachine completes a run that swallows the cancellation", async () => {
  const d = new Driver(cancellable, { mode: "swallow" });
  await d.start();
  await d.step(cancel("stop"));
  const end = await d.step(completed(2, "undone"));
  assert.equal(end.status, "COMPLETED");
  assert.deepEqual(end.state, { undo: "undone", after: true });
});

Deno.test("WorkflowMachine ends CANCELLED when the cancellation propagates", async () => {
  const d = new Driver(cancellable, { mode: "propagate" });
  await d.start();
  const out = await d.step(cancel("stop"), cancel("twice"));
  assert.equal(out.inbound.length, 1, "a second cancel is moot");
  assert.equal(out.status, "CANCELLED");
});

const idleCancel = defineWorkflow<null, { caught: string }>({
  name: "m_idle_cancel",
  registry,
  steps: [async function work(ctx) {
    await ctx.waitForSignal("go");
    try {
      await ctx.sleep(1);
    } catch (e) {
      await ctx.state.set("caught", (e as Error).name);
    }
  }],
});

Deno.test("WorkflowMachine cancel with nothing pending makes the next durable call throw", async () => {
  const d = new Driver(idleCancel);
  await d.start();
  const out = await d.step(signal("go", null), cancel("late"));
  assert.equal(out.status, "COMPLETED");
  assert.deepEqual(out.state, { caught: "WorkflowCancelledError" });
});

const stateful = defineWorkflow<null, Record<string, number>>({
  name: "m_state",
  registry,
  steps: [async function ops(ctx) {
    await ctx.state.set("a", 1);
    await ctx.state.update((s) => ({ ...s, b: 2 }));
    await ctx.state.batch(async () => {
      await ctx.state.set("c", 3);
      await ctx.state.set("a", 10);
    });
    await assert.rejects(
      ctx.state.batch(() => ctx.state.batch(() => {})),
      /cannot be nested/,
    );
    await assert.rejects(
      ctx.state.batch(async () => {
        await ctx.state.set("lost", 1);
        throw new Error("abandon");
      }),
      /abandon/,
    );
    assert.throws(() => ctx.state.set("bad", new Date() as never), /state\.bad/);
    assert.throws(() => (ctx.state.get("a") as unknown as { x: number }[]).push({ x: 1 }));
  }],
});

Deno.test("WorkflowMachine state: set, update and batch make one event each; failed batches vanish", async () => {
  const d = new Driver(stateful);
  const out = await d.start();
  assert.equal(out.status, "COMPLETED", out.error?.message);
  assert.deepEqual(
    out.outbound.filter((e) => e.type.startsWith("STATE")).map((e) => e.payload),
    [{ key: "a", value: 1 }, { state: { a: 1, b: 2 } }, { state: { a: 10, b: 2, c: 3 } }],
  );
  assert.deepEqual(out.state, { a: 10, b: 2, c: 3 });
});

const logging = defineWorkflow({
  name: "m_logging",
  registry,
  steps: [async function talk(ctx) {
    ctx.logger.info("before");
    await ctx.sleep(1);
    ctx.logger.error("after");
  }],
});

Deno.test("WorkflowMachine logger is silent while replaying", async () => {
  const d = new Driver(logging);
  assert.deepEqual((await d.start()).logs.map((l) => l.message), ["before"]);
  const again = new WorkflowMachine({ workflowId: "wf-1", definition: logging, input: null });
  await replay(again, d.history, settle, { name: "m_logging", id: "wf-1" });
  const next = await new Promise<string[]>((resolve) => {
    again.deliver({ time: 5000, inbound: [fired(1)] });
    settle().then(() => resolve(again.collect().logs.map((l) => l.message)));
  });
  assert.deepEqual(next, ["after"]);
});

Deno.test("pendingWork() lists unfinished activities and armed timers", async () => {
  const d = new Driver(parallel);
  await d.start();
  await d.step(completed(1, 2));
  const work = pendingWork(d.history);
  assert.deepEqual([...work.activities.keys()], [2]);
  await d.step(completed(2, 3));
  const later = pendingWork(d.history);
  assert.deepEqual([...later.activities.keys()], [3]);
  assert.deepEqual([...later.timers.keys()], [4]);
  assert.equal(later.status, "RUNNING");
});
