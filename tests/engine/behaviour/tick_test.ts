import assert from "node:assert/strict";
import { connectKv, EngineClosedError, type OnDue, type Wakeup } from "../../../engine/mod.ts";
import { createRun, KvStore, type Transition } from "../../../store/mod.ts";
import { PollingWakeup } from "../../../engine/runtime/wakeup/mod.ts";
import { modeEngine, tempDir, until } from "../../_helpers.ts";
import { SignalFlow, SleepFlow } from "../../fixtures/flows.ts";

/** Intervals that never come round during a test: only `tick()` makes the progress seen. */
const NEVER = 600_000;

Deno.test("engine.tick() takes on runs started elsewhere and carries out the inbox, without its interval [queueless]", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await using opened = await modeEngine("queueless", kvPath, { pollIntervalMs: NEVER });
  const engine = opened.engine;
  using kv = await Deno.openKv(kvPath);
  const now = Date.now();
  assert.equal(
    await createRun(kv, {
      id: "elsewhere",
      name: "t_signal",
      version: "",
      description: "",
      module: "",
      status: "RUNNING",
      createdAt: now,
      updatedAt: now,
      entries: 0,
      events: 0,
      input: { v: null },
      partition: 0,
      tasks: [],
    }, {}),
    true,
  );
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await engine.reader.eventsOf("elsewhere")).length, 0, "not taken on by itself");
  await engine.tick();
  await until(
    async () =>
      (await engine.reader.eventsOf("elsewhere")).some((e) => e.type === "SIGNAL_WAITING"),
    "the run taken on",
  );
  await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
  const signalled = client.getHandle("elsewhere").signal("go", "by tick");
  await until(async () => (await engine.reader.countRecords()).inbox > 0, "the inbox request");
  await engine.tick();
  await signalled;
  assert.deepEqual(await engine.getHandle("elsewhere").result(), {
    received: ["by tick"],
    timedOut: false,
  });
});

Deno.test("engine.tick() polls the wake-ups once (here a timer index)", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  using kv = await Deno.openKv(kvPath);
  const store = new KvStore(kv, kvPath);
  const inner = new PollingWakeup(store, NEVER);
  const polls: number[] = [];
  const spy: Wakeup = {
    name: "spy",
    arm: (t: Transition, id: string, seq: number, at: number) => inner.arm(t, id, seq, at),
    disarm: (t: Transition, id: string, seq: number, at: number) => inner.disarm(t, id, seq, at),
    poll: async (onDue: OnDue) => {
      polls.push(Date.now());
      await inner.poll(onDue);
    },
    start: () => {},
    stop: () => {},
  };
  await using opened = await modeEngine("file", kvPath, { wakeup: spy, pollIntervalMs: NEVER });
  const engine = opened.engine;
  const handle = await engine.start(SleepFlow, { ms: 30 });
  await until(async () => (await store.dueTimers(Date.now() + 60_000)).length > 0, "the index");
  await engine.tick();
  assert.equal(polls.length, 1);
  await handle.result();
  assert.equal((await store.dueTimers(Date.now() + 60_000)).length, 0, "fired and disarmed");
});

Deno.test("engine.tick() on a closed engine throws EngineClosedError", async () => {
  await using dir = await tempDir();
  const opened = await modeEngine("memory", `${dir.path}/loom.kv`);
  await opened.engine.start(SignalFlow, {});
  await opened[Symbol.asyncDispose]();
  await assert.rejects(opened.engine.tick(), EngineClosedError);
});
