import assert from "node:assert/strict";
import {
  InvalidArgumentError,
  ScheduleAlreadyExistsError,
  ScheduleNotFoundError,
  WorkflowDefinitionNotFoundError,
} from "../../../engine/mod.ts";
import { engineTest, until } from "../../_helpers.ts";
import { SeqFlow } from "../../fixtures/flows.ts";
import { fired, pause, runExists, runsOf, T0, TestClock } from "./_schedules.ts";

const clock = new TestClock();

/** Every schedule test of this file moves `clock`, which the engine's schedules fire by. */
function scheduleTest(name: string, fn: Parameters<typeof engineTest>[1]): void {
  engineTest(name, async (engine, info) => {
    clock.now = T0;
    await fn(engine, info);
  }, { scheduleClock: clock.read });
}

scheduleTest(
  "schedules.create() fires a run <id>@<fire time> when due; get() and list() show it",
  async (engine) => {
    const created = await engine.schedules.create({
      id: "every-minute",
      cron: "* * * * *",
      workflow: SeqFlow,
      input: { n: 2 },
    });
    assert.equal(created.workflow, "t_seq");
    assert.equal(created.nextFireAt, Date.parse("2025-01-01T10:01:00Z"));
    assert.deepEqual([created.overlap, created.catchup, created.timezone], ["skip", "one", "UTC"]);
    await pause(100);
    assert.deepEqual(await runsOf(engine, "every-minute"), [], "not due yet");
    clock.set("2025-01-01T10:01:00.020Z");
    const id = fired("every-minute", "10:01");
    await runExists(engine, id);
    assert.deepEqual(await engine.getHandle(id).result(), { total: 2 });
    await until(
      async () => (await engine.schedules.get("every-minute")).fires === 1,
      "the schedule advanced",
    );
    const info = await engine.schedules.get("every-minute");
    assert.equal(info.lastRunId, id);
    assert.equal(info.lastFireAt, Date.parse("2025-01-01T10:01:00Z"));
    assert.equal(info.nextFireAt, Date.parse("2025-01-01T10:02:00Z"));
    assert.deepEqual((await engine.schedules.list()).map((s) => s.id), ["every-minute"]);
    clock.set("2025-01-01T10:02:00.020Z");
    await runExists(engine, fired("every-minute", "10:02"));
    assert.deepEqual(await runsOf(engine, "every-minute"), [
      fired("every-minute", "10:01"),
      fired("every-minute", "10:02"),
    ]);
  },
);

scheduleTest(
  "schedules: pause() stops fires, trigger() starts one now, resume() goes on from the next time, delete() ends it",
  async (engine) => {
    await engine.schedules.create({
      id: "p",
      cron: "* * * * *",
      workflow: "t_seq",
      input: { n: 1 },
    });
    const paused = await engine.schedules.pause("p");
    assert.equal(paused.paused, true);
    assert.equal(paused.nextFireAt, undefined);
    clock.set("2025-01-01T10:01:00.020Z");
    await pause();
    assert.deepEqual(await runsOf(engine, "p"), [], "paused: no fire");
    clock.set("2025-01-01T10:01:30.000Z");
    const handle = await engine.schedules.trigger("p");
    assert.equal(handle.workflowId, "p@2025-01-01T10:01:30.000Z");
    assert.deepEqual(await handle.result(), { total: 1 });
    assert.equal((await engine.schedules.get("p")).lastRunId, handle.workflowId);
    const resumed = await engine.schedules.resume("p");
    assert.equal(resumed.paused, false);
    assert.equal(
      resumed.nextFireAt,
      Date.parse("2025-01-01T10:02:00Z"),
      "the paused minute is not caught up",
    );
    clock.set("2025-01-01T10:02:00.020Z");
    await runExists(engine, fired("p", "10:02"));
    await engine.schedules.delete("p");
    await assert.rejects(engine.schedules.get("p"), ScheduleNotFoundError);
    await assert.rejects(engine.schedules.pause("p"), ScheduleNotFoundError);
    await assert.rejects(engine.schedules.trigger("p"), ScheduleNotFoundError);
    await assert.rejects(engine.schedules.delete("p"), ScheduleNotFoundError);
    assert.deepEqual(await engine.schedules.list(), []);
    clock.set("2025-01-01T10:03:00.020Z");
    await pause();
    assert.equal((await runsOf(engine, "p")).length, 2, "deleted: no fire; its runs are kept");
  },
);

scheduleTest(
  "schedules.create() refuses bad input, naming the problem, and stores nothing",
  async (engine) => {
    const ok = { id: "good", cron: "0 * * * *", workflow: "t_seq" };
    await engine.schedules.create(ok);
    const field = (name: string) => (e: unknown) =>
      e instanceof InvalidArgumentError && e.field === name;
    await assert.rejects(
      engine.schedules.create({ ...ok, id: "c", cron: "0 * * 13 *" }),
      (e) => field("cron")(e) && /the month field "13"/.test((e as Error).message),
    );
    await assert.rejects(
      engine.schedules.create({ ...ok, id: "w", workflow: "no_such_workflow" }),
      (e) => e instanceof WorkflowDefinitionNotFoundError && /"no_such_workflow"/.test(e.message),
    );
    await assert.rejects(
      engine.schedules.create(ok),
      (e) =>
        e instanceof ScheduleAlreadyExistsError && e.message === 'Schedule "good" already exists',
    );
    await assert.rejects(
      engine.schedules.create({ ...ok, id: "t", timezone: "Moon/Base" }),
      field("timezone"),
    );
    await assert.rejects(
      engine.schedules.create({ ...ok, id: "o", overlap: "x" as never }),
      field("overlap"),
    );
    await assert.rejects(
      engine.schedules.create({ ...ok, id: "u", catchup: "x" as never }),
      field("catchup"),
    );
    await assert.rejects(engine.schedules.create({ ...ok, id: "" }), field("id"));
    assert.deepEqual((await engine.schedules.list()).map((s) => s.id), ["good"]);
  },
);

scheduleTest("schedules read their expression in the given time zone", async (engine) => {
  const s = await engine.schedules.create({
    id: "tokyo-morning",
    cron: "0 9 * * *",
    timezone: "Asia/Tokyo",
    workflow: "t_seq",
  });
  assert.equal(s.nextFireAt, Date.parse("2025-01-02T00:00:00Z"), "09:00 in Tokyo is 00:00 UTC");
  clock.set("2025-01-02T00:00:00.020Z");
  await runExists(engine, "tokyo-morning@2025-01-02T00:00:00.000Z");
});
