import assert from "node:assert/strict";
import type { Engine } from "../../../engine/mod.ts";
import { type KvMode, modeEngine, tempDir, until } from "../../_helpers.ts";
import "../../fixtures/flows.ts";
import { fired, pause, runExists, runsOf, T0, TestClock } from "./_schedules.ts";

const clock = new TestClock();
const MODES: KvMode[] = ["memory", "file"];

function overlapTest(name: string, fn: (engine: Engine) => Promise<void>): void {
  for (const mode of MODES) {
    Deno.test(`${name} [${mode}]`, async () => {
      await using dir = await tempDir();
      clock.now = T0;
      await using opened = await modeEngine(mode, `${dir.path}/loom.kv`, {
        pollIntervalMs: 50,
        shutdownGraceMs: 200,
        scheduleClock: clock.read,
      });
      await fn(opened.engine);
    });
  }
}

async function status(engine: Engine, id: string): Promise<string | undefined> {
  return (await engine.reader.run(id))?.status;
}

async function finish(engine: Engine, id: string): Promise<void> {
  await engine.getHandle(id).signal("go", "done");
  await engine.getHandle(id).result();
}

overlapTest("overlap skip (the default): no fire while the last run still runs", async (engine) => {
  await engine.schedules.create({ id: "s", cron: "* * * * *", workflow: "t_signal", input: {} });
  clock.set("2025-01-01T10:01:00.020Z");
  await runExists(engine, fired("s", "10:01"));
  clock.set("2025-01-01T10:02:00.020Z");
  await until(async () => (await engine.schedules.get("s")).skipped === 1, "the fire skipped");
  assert.deepEqual(await runsOf(engine, "s"), [fired("s", "10:01")]);
  assert.equal((await engine.schedules.get("s")).nextFireAt, Date.parse("2025-01-01T10:03Z"));
  await finish(engine, fired("s", "10:01"));
  clock.set("2025-01-01T10:03:00.020Z");
  await runExists(engine, fired("s", "10:03"));
});

overlapTest(
  "overlap buffer_one: one fire is kept and starts when the last run ends",
  async (engine) => {
    await engine.schedules.create({
      id: "b",
      cron: "* * * * *",
      workflow: "t_signal",
      input: {},
      overlap: "buffer_one",
    });
    clock.set("2025-01-01T10:01:00.020Z");
    await runExists(engine, fired("b", "10:01"));
    clock.set("2025-01-01T10:02:00.020Z");
    await until(
      async () =>
        (await engine.schedules.get("b")).bufferedFireAt === Date.parse("2025-01-01T10:02Z"),
      "the fire kept",
    );
    clock.set("2025-01-01T10:03:00.020Z");
    await until(
      async () => (await engine.schedules.get("b")).skipped === 1,
      "a second one dropped",
    );
    await pause(150);
    assert.deepEqual(await runsOf(engine, "b"), [fired("b", "10:01")], "kept while the run runs");
    await finish(engine, fired("b", "10:01"));
    await runExists(engine, fired("b", "10:02"));
    // The schedule's record is updated once the buffered run has started (a write after it).
    await until(
      async () => (await engine.schedules.get("b")).bufferedFireAt === undefined,
      "the buffered fire taken",
    );
    const s = await engine.schedules.get("b");
    assert.equal(s.lastRunId, fired("b", "10:02"));
    assert.equal(s.nextFireAt, Date.parse("2025-01-01T10:04Z"));
  },
);

overlapTest(
  "overlap allow_all: every fire starts a run while earlier ones still run",
  async (engine) => {
    await engine.schedules.create({
      id: "a",
      cron: "* * * * *",
      workflow: "t_signal",
      input: {},
      overlap: "allow_all",
    });
    clock.set("2025-01-01T10:01:00.020Z");
    await runExists(engine, fired("a", "10:01"));
    clock.set("2025-01-01T10:02:00.020Z");
    await runExists(engine, fired("a", "10:02"));
    assert.equal(await status(engine, fired("a", "10:01")), "RUNNING");
    assert.equal(await status(engine, fired("a", "10:02")), "RUNNING");
    await finish(engine, fired("a", "10:01"));
    await finish(engine, fired("a", "10:02"));
  },
);
