import assert from "node:assert/strict";
import {
  type HistoryEntry,
  pendingWork,
  replay,
  type WorkflowEvent,
  WorkflowMachine,
} from "../../../engine/replay/mod.ts";
import {
  defineWorkflow,
  HookTimeoutError,
  InvalidArgumentError,
  NonDeterministicWorkflowError,
  Registry,
  WorkflowCancelledError,
} from "../../../engine/mod.ts";
import { settle } from "../../../engine/runtime/settle.ts";
import { cancel, Driver, fired, types } from "./_machine.ts";

const registry = new Registry();

/** A HOOK_CREATED event as the engine delivers it. */
function created(seq: number, token: string, expiresAt?: number): WorkflowEvent {
  const payload: Extract<WorkflowEvent, { type: "HOOK_CREATED" }>["payload"] = {
    seq,
    token,
    token_hash: `hash-${token}`,
    url: `https://loom.example/api/hooks/${token}`,
    created_at: "t",
  };
  if (expiresAt !== undefined) {
    payload.timeout_ms = 500;
    payload.expires_at_ms = expiresAt;
    payload.expires_at = new Date(expiresAt).toISOString();
  }
  return { type: "HOOK_CREATED", payload };
}

/** A HOOK_RECEIVED event. */
function received(seq: number, token: string, body: unknown): WorkflowEvent {
  return {
    type: "HOOK_RECEIVED",
    payload: { seq, token_hash: `hash-${token}`, payload: body as never, received_at: "t" },
  };
}

const approval = defineWorkflow<{ timeout?: number; waitFirst?: boolean }, Record<string, unknown>>(
  {
    name: "mh_approval",
    registry,
    steps: [async function ask(ctx) {
      const hook = await ctx.createHook<{ ok: boolean }>(
        ctx.input.timeout === undefined ? {} : { timeout: ctx.input.timeout },
      );
      await ctx.state.set("url", hook.url);
      if (ctx.input.waitFirst === true) await ctx.sleep(1000);
      try {
        await ctx.state.set("answer", await hook.wait());
      } catch (e) {
        await ctx.state.set("error", (e as Error).name);
      }
      await ctx.stream("progress").write({ done: true });
    }],
  },
);

Deno.test("createHook records HOOK_REQUESTED, resolves on HOOK_CREATED, and wait() on HOOK_RECEIVED", async () => {
  const d = new Driver(approval, {});
  const first = await d.start();
  assert.deepEqual(types(first), ["STEP_START", "HOOK_REQUESTED"]);
  assert.deepEqual(first.outbound[1]?.payload, { seq: 1 });
  const made = await d.step(created(1, "tok"));
  assert.deepEqual(made.inbound.map((e) => e.type), ["HOOK_CREATED"]);
  assert.deepEqual(types(made), ["STATE_SET"]);
  assert.equal(d.machine.pendingCount, 1, "the open hook keeps the run waiting, not stuck");
  const done = await d.step(received(1, "tok", { ok: true }));
  assert.deepEqual(types(done), [
    "STATE_SET",
    "STREAM_APPENDED",
    "STEP_END",
    "WORKFLOW_COMPLETED",
  ]);
  assert.deepEqual(done.outbound[1]?.payload, {
    name: "progress",
    index: 0,
    value: { done: true },
  });
  assert.deepEqual(done.state, {
    url: "https://loom.example/api/hooks/tok",
    answer: { ok: true },
  });
});

Deno.test("a hook called before the code waits is kept for wait()", async () => {
  const d = new Driver(approval, { waitFirst: true });
  await d.start();
  const made = await d.step(created(1, "early"));
  assert.deepEqual(types(made), ["STATE_SET", "TIMER_SCHEDULED"]);
  const early = await d.step(received(1, "early", { ok: false }));
  assert.deepEqual(early.inbound.map((e) => e.type), ["HOOK_RECEIVED"]);
  assert.deepEqual(types(early), []);
  const done = await d.step(fired(2));
  assert.equal(done.status, "COMPLETED");
  assert.deepEqual(done.state?.answer, { ok: false });
});

Deno.test("a hook's timeout arms a timer; its firing rejects wait() with HookTimeoutError", async () => {
  const d = new Driver(approval, { timeout: 500 });
  await d.start();
  const made = await d.step(created(1, "late", 99_000));
  assert.deepEqual(types(made), ["TIMER_SCHEDULED", "STATE_SET"]);
  assert.deepEqual(made.outbound[0]?.payload, {
    seq: 1,
    timer_id: "wf-1:1",
    fire_at: new Date(99_000).toISOString(),
    fire_at_ms: 99_000,
    purpose: "hook_timeout",
  });
  const timedOut = await d.step(fired(1));
  assert.equal(timedOut.status, "COMPLETED");
  assert.equal(timedOut.state?.error, new HookTimeoutError(500).name);
  // A call after the timeout is not accepted.
  const d2 = new Driver(approval, { timeout: 500 });
  await d2.start();
  await d2.step(created(1, "x", 99_000));
  const won = await d2.step(received(1, "x", { ok: true }), fired(1));
  assert.deepEqual(won.inbound.map((e) => e.type), ["HOOK_RECEIVED"], "the timer came too late");
  assert.deepEqual(types(won).slice(0, 2), ["TIMER_CANCELLED", "STATE_SET"]);
});

Deno.test("cancel closes an open hook (HOOK_CLOSED) and rejects its wait()", async () => {
  const d = new Driver(approval, { timeout: 500 });
  await d.start();
  await d.step(created(1, "c", 99_000));
  const out = await d.step(cancel("stop"));
  assert.deepEqual(types(out).slice(0, 3), ["TIMER_CANCELLED", "HOOK_CLOSED", "STATE_SET"]);
  assert.deepEqual(out.outbound[1]?.payload, { seq: 1, token_hash: "hash-c", reason: "stop" });
  assert.equal(out.state?.error, new WorkflowCancelledError("x").name);
  const again = new Driver(approval, {});
  await again.start();
  const stale = await again.step(received(1, "nope", 1));
  assert.deepEqual(stale.inbound, [], "a call for a hook not created yet is not accepted");
});

const looping = defineWorkflow<{ n: number }, Record<string, never>>({
  name: "mh_streams",
  registry,
  steps: [async function write(ctx) {
    for (let i = 0; i < ctx.input.n; i++) await ctx.stream("a").write(i);
    await ctx.stream("b").write("x");
    await ctx.sleep(10);
    await ctx.stream("a").write("after");
  }],
});

Deno.test("stream writes are numbered per stream and matched, not made again, on replay", async () => {
  const d = new Driver(looping, { n: 2 });
  const first = await d.start();
  const appended = first.outbound.filter((e) => e.type === "STREAM_APPENDED").map((e) => e.payload);
  assert.deepEqual(appended, [
    { name: "a", index: 0, value: 0 },
    { name: "a", index: 1, value: 1 },
    { name: "b", index: 0, value: "x" },
  ]);
  const last = await d.step(fired(1));
  assert.deepEqual(last.outbound[0]?.payload, { name: "a", index: 2, value: "after" });
  const fresh = new WorkflowMachine({ workflowId: "wf-1", definition: looping, input: { n: 2 } });
  await replay(fresh, d.history as HistoryEntry[], settle, { name: "mh_streams", id: "wf-1" });
  assert.equal(fresh.status, "COMPLETED");
  const changed = new WorkflowMachine({ workflowId: "wf-1", definition: looping, input: { n: 3 } });
  await assert.rejects(
    replay(changed, d.history as HistoryEntry[], settle, { name: "mh_streams", id: "wf-1" }),
    (e: unknown) => {
      assert.ok(e instanceof NonDeterministicWorkflowError);
      assert.match(
        e.message,
        /history has STREAM_APPENDED "b", but the code made STREAM_APPENDED "a"/,
      );
      return true;
    },
  );
});

Deno.test("a hook's token comes from history on replay; pendingWork lists hooks to mint", async () => {
  const d = new Driver(approval, {});
  await d.start();
  assert.deepEqual([...pendingWork(d.history as HistoryEntry[]).hooks.values()], [{ seq: 1 }]);
  await d.step(created(1, "recorded"));
  assert.equal(pendingWork(d.history as HistoryEntry[]).hooks.size, 0);
  const fresh = new WorkflowMachine({ workflowId: "wf-1", definition: approval, input: {} });
  await replay(fresh, d.history as HistoryEntry[], settle, { name: "mh_approval", id: "wf-1" });
  assert.equal(fresh.stateSnapshot().url, "https://loom.example/api/hooks/recorded");
  assert.equal(fresh.pendingCount, 1, "the replayed hook is open");
});

const badStreams = defineWorkflow<{ what: string }, Record<string, string>>({
  name: "mh_bad_streams",
  registry,
  steps: [async function write(ctx) {
    try {
      if (ctx.input.what === "name") ctx.stream("no spaces");
      if (ctx.input.what === "big") await ctx.stream("s").write("x".repeat(70_000));
      if (ctx.input.what === "json") await ctx.stream("s").write(new Date() as never);
    } catch (e) {
      await ctx.state.set("error", `${(e as Error).name}: ${(e as Error).message}`);
    }
  }],
});

Deno.test("stream names and values that are not allowed throw into the code, naming the problem", async () => {
  const cases: [string, RegExp][] = [
    ["name", /InvalidArgumentError: Invalid stream name "no spaces": use letters/],
    [
      "big",
      /InvalidArgumentError: A value written to stream "s" is 70002 bytes of JSON, more than the limit of 65536/,
    ],
    ["json", /InvalidPayloadError: Payload field "stream \\"s\\" value"|InvalidPayloadError/],
  ];
  for (const [what, pattern] of cases) {
    const d = new Driver(badStreams, { what });
    const out = await d.start();
    assert.equal(out.status, "COMPLETED");
    assert.match(String(out.state?.error), pattern);
    assert.ok(!types(out).includes("STREAM_APPENDED"));
  }
  assert.ok(new InvalidArgumentError("x"));
});
