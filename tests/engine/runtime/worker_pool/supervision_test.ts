import assert from "node:assert/strict";
import {
  ModuleLoadError,
  WorkflowExecutionError,
  WorkflowStuckError,
} from "../../../../engine/mod.ts";
import { FLOWS_MODULE, tempDir, traceLines, until } from "../../../_helpers.ts";
import { SeqFlow, SignalFlow } from "../../../fixtures/flows.ts";
import {
  AlwaysCrashFlow,
  CrashOnceFlow,
  LoopFlow,
  PoisonFlow,
  SpinFlow,
} from "../../../fixtures/worker_flows.ts";
import { HOSTILE_FLOWS_MODULE, poolEngine, WORKER_FLOWS_MODULE } from "./_pool.ts";

for (const how of ["timer", "microtask", "rejection", "close", "exit"] as const) {
  Deno.test(`an activity Worker that dies (${how}) is replaced and its attempt runs again, not counted as a failure`, async () => {
    await using dir = await tempDir();
    await using loom = await poolEngine(`${dir.path}/loom.kv`);
    const trace = `${dir.path}/crash.trace`;
    const handle = await loom.engine.start(CrashOnceFlow, { trace, how });
    assert.deepEqual(await handle.result(), { result: { how, attempt: 1 } });
    assert.deepEqual(await traceLines(trace), [`crashed ${how}`]);
    assert.equal(loom.pool.stats().restarts, 1);
    const events = await loom.engine.reader.eventsOf(handle.workflowId);
    assert.equal(events.filter((e) => e.type === "ACTIVITY_RETRYING").length, 0);
    const again = await loom.engine.start(SeqFlow, { n: 2 });
    assert.deepEqual(await again.result(), { total: 2 }, "the pool keeps working");
  });
}

Deno.test("an activity that kills its Worker every time fails with WorkerCrashedError, and the pool goes on", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`, { maxCrashes: 3 });
  const bystanders = await Promise.all(
    Array.from({ length: 5 }, (_, i) => loom.engine.start(SeqFlow, { n: 3, start: i })),
  );
  const handle = await loom.engine.start(AlwaysCrashFlow, null);
  const state = await handle.result();
  assert.equal(state.code, "WORKER_CRASHED");
  assert.match(
    state.message,
    /Activity "w_always_crash" .* stopped its Worker 3 times: Error: crash by timer/,
  );
  for (const [i, h] of bystanders.entries()) assert.deepEqual(await h.result(), { total: i + 3 });
  assert.ok(loom.pool.stats().restarts >= 3);
});

Deno.test("an activity that never yields times out, its Worker is replaced, the pool keeps working", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`, { killGraceMs: 100 });
  const handle = await loom.engine.start(SpinFlow, null);
  const state = await handle.result();
  assert.equal(state.name, "ActivityTimeoutError");
  assert.match(state.error, /Activity "w_spin" timed out after 0\.2 s/);
  const events = await loom.engine.reader.eventsOf(handle.workflowId);
  assert.equal(events.filter((e) => e.type === "ACTIVITY_RETRYING").length, 1, "retried once");
  assert.equal(loom.pool.stats().restarts, 2, "each attempt's Worker was stopped");
  const after = await loom.engine.start(SeqFlow, { n: 3 });
  assert.deepEqual(await after.result(), { total: 3 });
});

Deno.test("a workflow that kills its Worker fails alone; the others are retried and instances rebuilt from history", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`, { workflowWorkers: 1 });
  const waiting = await loom.engine.start(SignalFlow, {}, { workflowId: "waiting" });
  await until(
    async () =>
      (await loom.engine.reader.eventsOf("waiting")).some((e) => e.type === "SIGNAL_WAITING"),
    "the wait",
  );
  const [poison, ...others] = await Promise.all([
    loom.engine.start(PoisonFlow, null),
    ...Array.from({ length: 10 }, (_, i) => loom.engine.start(SeqFlow, { n: 2, start: i })),
  ]);
  await assert.rejects(poison!.result(), (e: unknown) => {
    assert.ok(e instanceof WorkflowExecutionError);
    assert.equal((e.cause as { code?: string }).code, "WORKER_CRASHED");
    assert.match(
      e.message,
      /Workflow "w_poison" .* stopped its Worker 3 times: Error: crash by microtask/,
    );
    return true;
  });
  for (const [i, h] of others.entries()) assert.deepEqual(await h.result(), { total: i + 2 });
  assert.ok(loom.pool.stats().restarts >= 3);
  await loom.engine.getHandle("waiting").signal("go", "after the crashes");
  assert.deepEqual(await waiting.result(), { received: ["after the crashes"], timedOut: false });
});

Deno.test("a workflow that loops forever fails as stuck and its Worker is replaced", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`, {
    workflowWorkers: 1,
    stuckAfterMs: 1000,
  });
  const [loop, seq] = await Promise.all([
    loom.engine.start(LoopFlow, null),
    loom.engine.start(SeqFlow, { n: 2 }),
  ]);
  await assert.rejects(loop.result(), (e: unknown) => {
    assert.ok(e instanceof WorkflowExecutionError);
    assert.ok(e.cause instanceof WorkflowStuckError);
    assert.match(
      e.message,
      /Workflow "w_loop" .* did not finish an activation within 1000 ms, twice, in two Workers/,
    );
    return true;
  });
  assert.deepEqual(await seq.result(), { total: 2 });
  assert.ok(loom.pool.stats().restarts >= 1);
});

Deno.test("a replacement Worker that cannot start is reported and tried again while its work waits", async () => {
  await using dir = await tempDir();
  const flaky = new URL("../../../fixtures/flaky_module.ts", import.meta.url).href;
  const { FLAKY_FLAG } = await import(flaky);
  const errors: Error[] = [];
  await using loom = await poolEngine(`${dir.path}/loom.kv`, {
    modules: [FLOWS_MODULE, WORKER_FLOWS_MODULE, HOSTILE_FLOWS_MODULE, flaky],
    onError: (e) => errors.push(e),
  });
  const trace = `${dir.path}/crash.trace`;
  await Deno.writeTextFile(FLAKY_FLAG, "fail");
  try {
    const handle = await loom.engine.start(CrashOnceFlow, { trace, how: "timer" });
    await until(() => errors.length > 0, "a failed start");
    assert.ok(errors[0] instanceof ModuleLoadError);
    assert.match(errors[0].message, /the flag file says this import fails/);
    await Deno.remove(FLAKY_FLAG);
    assert.deepEqual(await handle.result(), { result: { how: "timer", attempt: 1 } });
  } finally {
    await Deno.remove(FLAKY_FLAG).catch(() => {});
  }
});
