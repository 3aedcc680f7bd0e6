import assert from "node:assert/strict";
import { InvalidArgumentError, InvalidPayloadError } from "../../../../engine/errors.ts";
import {
  checkScheduleId,
  checkScheduleOptions,
  MAX_SCHEDULE_ID_LENGTH,
  MAX_SCHEDULE_INPUT_BYTES,
} from "../../../../engine/runtime/schedules/options.ts";
import type { CreateScheduleOptions } from "../../../../engine/client.ts";

const base: CreateScheduleOptions = { id: "nightly", cron: "0 2 * * *", workflow: "Backup" };

Deno.test("checkScheduleOptions() applies the defaults", () => {
  const s = checkScheduleOptions(base);
  assert.equal(s.id, "nightly");
  assert.equal(s.overlap, "skip");
  assert.equal(s.catchup, "one");
  assert.equal(s.cron.timezone, "UTC");
  assert.equal(s.cron.expression, "0 2 * * *");
  assert.equal(s.input, null);
  const given = checkScheduleOptions({
    ...base,
    cron: "  0   2 * *  *  ",
    overlap: "allow_all",
    catchup: "none",
    timezone: "Asia/Tokyo",
    input: { a: [1] },
  });
  assert.equal(given.cron.expression, "0 2 * * *");
  assert.deepEqual([given.overlap, given.catchup, given.cron.timezone], [
    "allow_all",
    "none",
    "Asia/Tokyo",
  ]);
  assert.deepEqual(given.input, { a: [1] });
});

Deno.test("checkScheduleOptions() refuses bad fields, naming each", () => {
  const bad: [Partial<CreateScheduleOptions>, string, RegExp][] = [
    [{ id: "" }, "id", /Invalid schedule id "": it is empty/],
    [{ id: "x".repeat(MAX_SCHEDULE_ID_LENGTH + 1) }, "id", /more than 487/],
    [{ cron: "0 25 * * *" }, "cron", /the hour field "25"/],
    [{ cron: 5 as unknown as string }, "cron", /it must be a string/],
    [{ timezone: "Nowhere/Land" }, "timezone", /Invalid timezone "Nowhere\/Land"/],
    [{ overlap: "queue" as never }, "overlap", /Invalid overlap "queue": expected one of "skip"/],
    [{ catchup: "some" as never }, "catchup", /Invalid catchup "some": expected one of "one"/],
    [{ input: "x".repeat(MAX_SCHEDULE_INPUT_BYTES) }, "input", /more than the 32768/],
  ];
  for (const [over, field, message] of bad) {
    assert.throws(
      () => checkScheduleOptions({ ...base, ...over }),
      (e) => e instanceof InvalidArgumentError && e.field === field && message.test(e.message),
      field,
    );
  }
  assert.throws(
    () => checkScheduleOptions({ ...base, input: { when: new Date() } }),
    InvalidPayloadError,
  );
});

Deno.test("checkScheduleId() keeps an id whose fire runs fit the run id limit", () => {
  const id = "é".repeat(MAX_SCHEDULE_ID_LENGTH);
  assert.equal(checkScheduleId(id), id);
  assert.throws(() => checkScheduleId("a\nb"), /control character/);
});
