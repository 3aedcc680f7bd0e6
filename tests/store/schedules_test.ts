import assert from "node:assert/strict";
import {
  dueSchedules,
  getSchedule,
  insertSchedule,
  keys,
  listSchedules,
  publishWorkflowNames,
  readWorkflowName,
  removeSchedule,
  replaceSchedule,
  type ScheduleRecord,
} from "../../store/mod.ts";

function record(id: string, wakeAt: number | null, partition = 0): ScheduleRecord {
  return {
    id,
    cron: "* * * * *",
    timezone: "UTC",
    workflow: "w",
    input: null,
    overlap: "skip",
    catchup: "one",
    paused: wakeAt === null,
    createdAt: 0,
    updatedAt: 0,
    nextFireAt: wakeAt,
    wakeAt,
    lastFireAt: null,
    lastRunId: null,
    buffered: null,
    fires: 0,
    skipped: 0,
    lastError: null,
    partition,
  };
}

Deno.test("schedules: insert is create-if-absent, and writes the next-fire index with the record", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.equal(await insertSchedule(kv, record("a", 2000)), true);
  assert.equal(await insertSchedule(kv, record("a", 5000)), false);
  assert.equal((await getSchedule(kv, "a"))?.record.wakeAt, 2000);
  assert.ok((await kv.get(keys.scheduleDue(0, 2000, "a"))).versionstamp !== null);
  await insertSchedule(kv, record("b", 1000));
  await insertSchedule(kv, record("c", 9000));
  await insertSchedule(kv, record("paused", null));
  await insertSchedule(kv, record("other-partition", 500, 1));
  const due = await dueSchedules(kv, 0, 2000);
  assert.deepEqual(due.due.map((d) => [d.id, d.at]), [["b", 1000], ["a", 2000]]);
  assert.equal(due.next, 9000);
  assert.deepEqual((await listSchedules(kv)).map((r) => r.id), [
    "a",
    "b",
    "c",
    "other-partition",
    "paused",
  ]);
});

Deno.test("schedules: replace and remove check the versionstamp and move the index entry", async () => {
  using kv = await Deno.openKv(":memory:");
  await insertSchedule(kv, record("a", 1000));
  const read = await getSchedule(kv, "a");
  assert.ok(read);
  assert.equal(await replaceSchedule(kv, read, { ...read.record, wakeAt: 3000 }), true);
  assert.equal(
    await replaceSchedule(kv, read, { ...read.record, wakeAt: 7000 }),
    false,
    "a stale read does not land",
  );
  assert.deepEqual((await dueSchedules(kv, 0, 10_000)).due.map((d) => d.at), [3000]);
  assert.equal(await removeSchedule(kv, read), false, "stale: not removed");
  const now = await getSchedule(kv, "a");
  assert.ok(now);
  assert.equal(await removeSchedule(kv, now), true);
  assert.equal(await getSchedule(kv, "a"), undefined);
  assert.deepEqual((await dueSchedules(kv, 0, 10_000)).due, []);
});

Deno.test("workflow names: owners publish theirs, clients read them", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.equal(await readWorkflowName(kv, "w"), undefined);
  await publishWorkflowNames(kv, new Map([["w", ["1.0.0"]], ["v", ["1", "2"]]]), 5);
  assert.deepEqual(await readWorkflowName(kv, "v"), {
    name: "v",
    versions: ["1", "2"],
    updatedAt: 5,
  });
  await publishWorkflowNames(kv, new Map([["w", ["1.0.0"]]]), 9);
  assert.equal((await readWorkflowName(kv, "w"))?.updatedAt, 5, "unchanged: not rewritten");
});
