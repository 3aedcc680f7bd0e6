import assert from "node:assert/strict";
import type { WorkflowHandle } from "../../../../engine/mod.ts";
import { Scheduler, ScheduleService } from "../../../../engine/runtime/schedules/mod.ts";
import { KvStore } from "../../../../store/mod.ts";
import { tempDir } from "../../../_helpers.ts";
import { fired, TestClock } from "../../behaviour/_schedules.ts";

const ALL = Array.from({ length: 16 }, (_, p) => p);

Deno.test("Scheduler: a process that read a schedule before another advanced it twice does not set it back [file]", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/loom.kv`;
  using kvA = await Deno.openKv(path);
  using kvB = await Deno.openKv(path);
  const store = new KvStore(kvA, path);
  await store.ensurePartitions();
  const clock = new TestClock();
  const started = new Map<string, number>();
  const start = (name: string) => (_w: unknown, _i: unknown, workflowId: string) => {
    started.set(workflowId, (started.get(workflowId) ?? 0) + 1);
    return Promise.resolve({ workflowId, name } as unknown as WorkflowHandle<unknown>);
  };
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const deps = { clock: clock.read, intervalMs: 50, partitions: () => ALL, report: () => {} };
  const a = new Scheduler({ ...deps, kv: kvA, start: start("a") });
  const b = new Scheduler({
    ...deps,
    kv: kvB,
    start: async (w, i, id) => {
      await gate; // B has read and planned the 10:01 fire; A goes on meanwhile
      return start("b")(w, i, id);
    },
  });
  const api = new ScheduleService({
    kv: kvA,
    partitionOf: (id) => store.partitionOf(id),
    workflowName: () => Promise.resolve("w"),
    start: start("api"),
    clock: clock.read,
    changed: () => {},
  });
  await api.create({ id: "race", cron: "* * * * *", workflow: "w" });
  clock.set("2025-01-01T10:01:00.020Z");
  const late = b.poll();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(await a.poll(), 1, "A fires 10:01");
  clock.set("2025-01-01T10:02:00.020Z");
  assert.equal(await a.poll(), 1, "A fires 10:02");
  release();
  await late;
  const s = await api.get("race");
  assert.equal(s.fires, 2, "B's stale advance did not land");
  assert.equal(s.nextFireAt, Date.parse("2025-01-01T10:03Z"));
  assert.equal(s.lastRunId, fired("race", "10:02"));
  assert.deepEqual([...started.keys()].sort(), [fired("race", "10:01"), fired("race", "10:02")]);
  // Nothing due any more, whichever process looks.
  assert.equal(await b.poll(), 0);
  assert.equal(await a.poll(), 0);
});

Deno.test("Scheduler: a fire whose workflow cannot start is recorded and the schedule goes on [memory]", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvStore(kv, ":memory:");
  await store.ensurePartitions();
  const clock = new TestClock();
  const errors: unknown[] = [];
  const failing = () => Promise.reject(new Error("no such workflow here"));
  const scheduler = new Scheduler({
    kv,
    clock: clock.read,
    intervalMs: 50,
    partitions: () => ALL,
    start: failing,
    report: (e) => errors.push(e),
  });
  const api = new ScheduleService({
    kv,
    partitionOf: (id) => store.partitionOf(id),
    workflowName: () => Promise.resolve("gone"),
    start: failing,
    clock: clock.read,
    changed: () => {},
  });
  await api.create({ id: "f", cron: "* * * * *", workflow: "gone" });
  clock.set("2025-01-01T10:01:00.020Z");
  assert.equal(await scheduler.poll(), 0);
  const s = await api.get("f");
  assert.match(s.lastError ?? "", /Cannot start workflow "gone": no such workflow here/);
  assert.equal(s.skipped, 1);
  assert.equal(s.nextFireAt, Date.parse("2025-01-01T10:02Z"));
  assert.equal(errors.length, 1);
});
