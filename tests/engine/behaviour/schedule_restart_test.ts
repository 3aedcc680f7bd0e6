import assert from "node:assert/strict";
import { connectKv, type ScheduleCatchup, type ScheduleOverlap } from "../../../engine/mod.ts";
import { type KvMode, modeEngine, tempDir, until } from "../../_helpers.ts";
import "../../fixtures/flows.ts";
import { fired, pause, runExists, runsOf, TestClock } from "./_schedules.ts";

const MODES: KvMode[] = ["file", "queueless"];

/**
 * A per-minute schedule created at 10:00:30 on a file; no process runs from then until the
 * clock shows `downUntil`; then an engine starts on the file.
 */
async function afterDowntime(
  mode: KvMode,
  downUntil: string,
  options: { catchup?: ScheduleCatchup; overlap?: ScheduleOverlap },
): Promise<string[]> {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const clock = new TestClock();
  const engineOptions = { pollIntervalMs: 50, shutdownGraceMs: 200, scheduleClock: clock.read };
  {
    await using first = await modeEngine(mode, kvPath, engineOptions);
    await first.engine.schedules.create({
      id: "m",
      cron: "* * * * *",
      workflow: "t_seq",
      input: { n: 1 },
      ...options,
    });
  }
  clock.set(downUntil);
  await using second = await modeEngine(mode, kvPath, engineOptions);
  await until(
    async () => (await second.engine.schedules.get("m")).nextFireAt! > clock.now,
    "the schedule caught up",
  );
  await pause(100);
  return await runsOf(second.engine, "m");
}

for (const mode of MODES) {
  Deno.test(`a fire due while no process ran starts on the next start: catchup one (the default) starts the latest [${mode}]`, async () => {
    const runs = await afterDowntime(mode, "2025-01-01T10:05:30.000Z", {});
    assert.deepEqual(runs, [fired("m", "10:05")]);
  });

  Deno.test(`catchup all starts each fire missed while no process ran [${mode}]`, async () => {
    const runs = await afterDowntime(mode, "2025-01-01T10:05:30.000Z", {
      catchup: "all",
      overlap: "allow_all",
    });
    assert.deepEqual(runs, ["10:01", "10:02", "10:03", "10:04", "10:05"].map((t) => fired("m", t)));
  });

  Deno.test(`catchup none starts only the fires found on time (within two minutes) [${mode}]`, async () => {
    const runs = await afterDowntime(mode, "2025-01-01T10:10:00.010Z", {
      catchup: "none",
      overlap: "allow_all",
    });
    assert.deepEqual(runs, [fired("m", "10:09"), fired("m", "10:10")]);
  });
}

Deno.test("a schedule created through connectKv while no process owns the file fires once an owner starts [file]", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const clock = new TestClock();
  const options = { pollIntervalMs: 50, shutdownGraceMs: 200, scheduleClock: clock.read };
  {
    // An owner ran once: the file knows its workflow names.
    await using first = await modeEngine("file", kvPath, options);
    assert.ok(first.engine);
  }
  {
    await using client = await connectKv({ kvPath });
    // The client's clock is the real one: the schedule's first fire is the next real minute.
    const s = await client.schedules.create({
      id: "c",
      cron: "* * * * *",
      workflow: "t_seq",
      input: { n: 0 },
    });
    assert.ok(s.nextFireAt !== undefined && s.nextFireAt > Date.now());
    clock.now = s.nextFireAt + 20;
    await assert.rejects(
      client.schedules.create({ id: "d", cron: "* * * * *", workflow: "t_nope" }),
      /No workflow definition registered under the name "t_nope"/,
    );
    assert.deepEqual((await client.schedules.list()).map((x) => x.id), ["c"]);
  }
  const first = fired("c", new Date(clock.now - 20).toISOString());
  await using owner = await modeEngine("file", kvPath, options);
  await runExists(owner.engine, first);
  await owner.engine.getHandle(first).result();
  // The client sees the fire, and triggers through the owner.
  await using client = await connectKv({ kvPath, pollIntervalMs: 20 });
  await until(async () => (await client.schedules.get("c")).fires === 1, "the fire recorded");
  const handle = await client.schedules.trigger("c");
  assert.match(handle.workflowId, /^c@\d{4}-\d\d-\d\dT/);
  assert.deepEqual(await handle.result(), { total: 0 });
});

Deno.test("engine.tick() fires the due schedules, without the scheduler's timer (Deno Deploy) [queueless]", async () => {
  await using dir = await tempDir();
  const clock = new TestClock();
  await using opened = await modeEngine("queueless", `${dir.path}/loom.kv`, {
    pollIntervalMs: 600_000,
    scheduleClock: clock.read,
  });
  const engine = opened.engine;
  await engine.schedules.create({ id: "t", cron: "* * * * *", workflow: "t_seq", input: { n: 1 } });
  // The scheduler looks at the new schedule, and arms its timer for the fire time, 30 s away on
  // the real clock.
  await pause(100);
  clock.set("2025-01-01T10:01:00.020Z");
  await pause(100);
  assert.deepEqual(await runsOf(engine, "t"), [], "not fired by itself within the test");
  await engine.tick();
  assert.deepEqual(await runsOf(engine, "t"), [fired("t", "10:01")]);
  assert.deepEqual(await engine.getHandle(fired("t", "10:01")).result(), { total: 1 });
});

Deno.test("two engines on one file: each fire starts one run, and each schedule advances once [file]", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const clock = new TestClock();
  const options = { pollIntervalMs: 50, shutdownGraceMs: 200, scheduleClock: clock.read };
  await using a = await modeEngine("file", kvPath, options);
  await using b = await modeEngine("file", kvPath, options);
  const ids = Array.from({ length: 12 }, (_, i) => `two-${i}`);
  for (const [i, id] of ids.entries()) {
    const engine = i % 2 === 0 ? a.engine : b.engine;
    await engine.schedules.create({ id, cron: "* * * * *", workflow: "t_seq", input: { n: 1 } });
  }
  clock.set("2025-01-01T10:01:00.020Z");
  for (const id of ids) await runExists(a.engine, fired(id, "10:01"));
  await until(async () => {
    const all = await a.engine.schedules.list();
    return all.length === ids.length && all.every((s) => s.fires === 1);
  }, "every schedule advanced");
  await pause(200);
  for (const id of ids) {
    assert.deepEqual(await runsOf(a.engine, id), [fired(id, "10:01")]);
    const s = await b.engine.schedules.get(id);
    assert.equal(s.fires, 1, id);
    assert.equal(s.nextFireAt, Date.parse("2025-01-01T10:02Z"), id);
  }
});
