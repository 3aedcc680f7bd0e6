import assert from "node:assert/strict";
import {
  activity,
  createEngine,
  defineWorkflow,
  NonDeterministicWorkflowError,
  Registry,
  SchemaVersionError,
  WorkflowExecutionError,
} from "../../../engine/mod.ts";
import { modeEngine, tempDir, traceLines, until } from "../../_helpers.ts";
import { RetryFlow, SignalFlow, SleepFlow } from "../../fixtures/flows.ts";

for (const mode of ["file", "queueless"] as const) {
  Deno.test(`a restarted engine resumes timers, signals and retries from the file [${mode}]`, async () => {
    await using dir = await tempDir();
    const kvPath = `${dir.path}/loom.kv`;
    const trace = `${dir.path}/retry.trace`;
    const first = await modeEngine(mode, kvPath, { shutdownGraceMs: 2000 });
    await first.engine.start(SleepFlow, { ms: 150 }, { workflowId: "sleeper" });
    const waiter = await first.engine.start(SignalFlow, {}, { workflowId: "waiter" });
    const retrier = await first.engine.start(RetryFlow, { failTimes: 1, trace }, {
      workflowId: "retrier",
    });
    await until(async () => (await traceLines(trace)).length >= 1, "the first attempt");
    await first[Symbol.asyncDispose]();

    await using again = await modeEngine(mode, kvPath);
    const second = again.engine;
    await second.getHandle("waiter").signal("go", "after restart");
    assert.deepEqual(await second.getHandle("waiter").result(), {
      received: ["after restart"],
      timedOut: false,
    });
    const slept = await second.getHandle<{ before: number; after: number }>("sleeper").result();
    assert.ok(slept.after - slept.before >= 300);
    assert.deepEqual(await second.getHandle("retrier").result(), { result: "ok after 2" });
    assert.deepEqual(await traceLines(trace), ["attempt 1", "attempt 2"]);
    assert.equal(waiter.workflowId, "waiter");
    assert.equal(retrier.workflowId, "retrier");
  });
}

Deno.test("a second engine on the same file takes a fair share; the first hands its partitions over on close", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const first = await createEngine({ kvPath });
  let second: Awaited<ReturnType<typeof createEngine>> | undefined;
  try {
    assert.equal(first.health().partitions.length, 16);
    const ids = Array.from({ length: 24 }, (_, i) => `waiter-${i}`);
    for (const id of ids) await first.start(SignalFlow, {}, { workflowId: id });
    second = await createEngine({ kvPath });
    const two = second;
    await until(
      () => first.health().partitions.length === 8 && two.health().partitions.length === 8,
      "an even split of 16 partitions",
      10_000,
    );
    const held = new Set([...first.health().partitions, ...two.health().partitions]);
    assert.equal(held.size, 16, "no partition held twice or by no one");
    assert.equal(first.health().members, 2);
    // Each engine accepts signals for every run, owned by it or by the other.
    for (const [i, id] of ids.entries()) {
      await (i % 2 === 0 ? first : two).getHandle(id).signal("go", i);
    }
    for (const [i, id] of ids.entries()) {
      assert.deepEqual(await (i % 2 === 0 ? two : first).getHandle(id).result(), {
        received: [i],
        timedOut: false,
      });
    }
    const started = Date.now();
    await first.close();
    await until(() => two.health().partitions.length === 16, "the second takes all 16", 5000);
    assert.ok(Date.now() - started < 5000, "handed over on close, not after the lease lapsed");
    await two.start(SignalFlow, {}, { workflowId: "after" });
    await two.getHandle("after").signal("go", "x");
    assert.deepEqual(await two.getHandle("after").result(), { received: ["x"], timedOut: false });
  } finally {
    await first.close();
    await second?.close();
  }
});

Deno.test("an owner takes over a lease that its dead holder no longer renews", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const kv = await Deno.openKv(kvPath);
  const expiresAt = Date.now() + 400;
  try {
    await kv.set(["owner", 0], {
      ownerId: "dead",
      pid: 999999,
      host: "elsewhere",
      epoch: 7,
      acquiredAt: Date.now() - 10_000,
      expiresAt,
    });
    await kv.set(["owner_epoch", 0], { epoch: 7, ownerId: "dead" });
  } finally {
    kv.close();
  }
  const engine = await createEngine({ kvPath });
  try {
    assert.ok(Date.now() >= expiresAt, "it waited for the lease to lapse");
    using peek = await Deno.openKv(kvPath);
    const lease = await peek.get<{ epoch: number }>(["owner", 0]);
    assert.equal(lease.value?.epoch, 8);
  } finally {
    await engine.close();
  }
});

Deno.test("a KV file of a newer schema is refused and left unchanged", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const kv = await Deno.openKv(kvPath);
  await kv.set(["meta", "schema_version"], 99);
  kv.close();
  await assert.rejects(createEngine({ kvPath }), (e: unknown) => {
    assert.ok(e instanceof SchemaVersionError);
    assert.match(e.message, /schema version 99, newer than this Loom's 3/);
    return true;
  });
  const check = await Deno.openKv(kvPath);
  try {
    assert.equal((await check.get(["meta", "schema_version"])).value, 99);
    assert.equal((await check.get(["owner", 0])).value, null);
  } finally {
    check.close();
  }
});

Deno.test("code that no longer matches history fails with NonDeterministicWorkflowError", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const before = new Registry();
  const after = new Registry();
  const one = activity({ name: "nd_one", registry: before }, () => 1);
  const two = activity({ name: "nd_two", registry: after }, () => 2);
  defineWorkflow({
    name: "nd_flow",
    registry: before,
    steps: [async function decide(ctx) {
      await ctx.activity(one);
      await ctx.waitForSignal("go");
    }],
  });
  defineWorkflow({
    name: "nd_flow",
    registry: after,
    steps: [async function decide(ctx) {
      await ctx.activity(two);
      await ctx.waitForSignal("go");
    }],
  });
  const first = await createEngine({ kvPath, registry: before });
  const handle = await first.start("nd_flow", null, { workflowId: "nd" });
  await until(
    async () => (await first.reader.eventsOf("nd")).some((e) => e.type === "SIGNAL_WAITING"),
    "the wait",
  );
  await first.close();
  const second = await createEngine({ kvPath, registry: after });
  try {
    await second.getHandle("nd").signal("go", null);
    await assert.rejects(second.getHandle("nd").result(), (e: unknown) => {
      assert.ok(e instanceof WorkflowExecutionError);
      assert.ok(e.cause instanceof NonDeterministicWorkflowError);
      assert.match(
        e.message,
        /in step "decide": history has ACTIVITY_SCHEDULED "nd_one" \(seq 1\), but the code made ACTIVITY_SCHEDULED "nd_two" \(seq 1\)/,
      );
      return true;
    });
    assert.equal(handle.workflowId, "nd");
  } finally {
    await second.close();
  }
});

Deno.test("finished tasks beyond the retention are deleted, unfinished ones kept", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const first = await createEngine({ kvPath });
  for (let i = 0; i < 4; i++) await (await first.start(SleepFlow, { ms: 1 })).result();
  await first.start(SignalFlow, {}, { workflowId: "open" });
  assert.equal((await first.reader.listTasks()).length, 4 * 3 + 1);
  await first.close();
  const second = await createEngine({ kvPath, taskRetention: 2 });
  try {
    await until(async () => (await second.reader.listTasks()).length === 3, "the pruning");
    const left = await second.reader.listTasks();
    assert.deepEqual(left.filter((t) => t.status === "RUNNING").map((t) => t.workflowId), ["open"]);
  } finally {
    await second.close();
  }
});
