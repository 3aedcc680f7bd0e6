import assert from "node:assert/strict";
import { fireRunId, scheduleInfo } from "../../../../engine/runtime/schedules/info.ts";
import { MAX_SCHEDULE_ID_LENGTH } from "../../../../engine/runtime/schedules/options.ts";
import { checkWorkflowId } from "../../../../engine/workflow_id.ts";
import type { ScheduleRecord } from "../../../../store/mod.ts";

Deno.test("fireRunId() is the schedule id, @ and the ISO fire time; it fits the run id rule", () => {
  const at = Date.parse("2025-03-04T05:06:00Z");
  assert.equal(fireRunId("report", at), "report@2025-03-04T05:06:00.000Z");
  const longest = fireRunId("x".repeat(MAX_SCHEDULE_ID_LENGTH), at);
  assert.equal(checkWorkflowId(longest), longest);
});

Deno.test("scheduleInfo() shows what is set, and no next fire while paused", () => {
  const record: ScheduleRecord = {
    id: "s",
    cron: "* * * * *",
    timezone: "UTC",
    workflow: "W",
    input: { n: 1 },
    overlap: "skip",
    catchup: "one",
    paused: false,
    createdAt: 1,
    updatedAt: 2,
    nextFireAt: 60_000,
    wakeAt: 60_000,
    lastFireAt: null,
    lastRunId: null,
    buffered: null,
    fires: 0,
    skipped: 0,
    lastError: null,
    partition: 3,
  };
  assert.deepEqual(scheduleInfo(record), {
    id: "s",
    cron: "* * * * *",
    timezone: "UTC",
    workflow: "W",
    input: { n: 1 },
    overlap: "skip",
    catchup: "one",
    paused: false,
    createdAt: 1,
    updatedAt: 2,
    nextFireAt: 60_000,
    fires: 0,
    skipped: 0,
  });
  const paused = scheduleInfo({
    ...record,
    paused: true,
    lastFireAt: 0,
    lastRunId: "s@x",
    buffered: 5,
    lastError: "no",
  });
  assert.equal(paused.nextFireAt, undefined);
  assert.equal(paused.lastRunId, "s@x");
  assert.equal(paused.bufferedFireAt, 5);
  assert.equal(paused.lastError, "no");
});
