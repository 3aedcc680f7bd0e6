import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../../../engine/errors.ts";
import { checkTimezone, parseCron } from "../../../../engine/runtime/schedules/cron.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (t: number | undefined) => t === undefined ? undefined : new Date(t).toISOString();

Deno.test("parseCron() gives the next fire time strictly after a time, in UTC", () => {
  const cron = parseCron("*/15 9-17 * * MON-FRI");
  assert.equal(cron.timezone, "UTC");
  assert.equal(iso(cron.next(at("2025-01-03T09:00:00.000Z"))), "2025-01-03T09:15:00.000Z");
  assert.equal(iso(cron.next(at("2025-01-03T09:14:59.999Z"))), "2025-01-03T09:15:00.000Z");
  // Friday 17:45 → Monday 09:00.
  assert.equal(iso(cron.next(at("2025-01-03T17:45:00.000Z"))), "2025-01-06T09:00:00.000Z");
});

Deno.test("parseCron() reads the expression in an IANA time zone, across DST", () => {
  const cron = parseCron("30 6 * * *", "America/New_York");
  assert.equal(iso(cron.next(at("2025-01-10T00:00:00Z"))), "2025-01-10T11:30:00.000Z"); // EST
  assert.equal(iso(cron.next(at("2025-07-10T00:00:00Z"))), "2025-07-10T10:30:00.000Z"); // EDT
  assert.equal(parseCron("0 0 * * *", "europe/berlin").timezone, "Europe/Berlin");
});

Deno.test("parseCron() lists the latest fire times up to a time, oldest first", () => {
  const cron = parseCron("0 * * * *");
  const times = cron.latest(3, at("2025-01-01T10:00:00.000Z")).map(iso);
  assert.deepEqual(times, [
    "2025-01-01T08:00:00.000Z",
    "2025-01-01T09:00:00.000Z",
    "2025-01-01T10:00:00.000Z",
  ]);
  assert.deepEqual(cron.latest(1, at("2025-01-01T10:59:59.999Z")).map(iso), [
    "2025-01-01T10:00:00.000Z",
  ]);
});

Deno.test("parseCron() refuses a bad expression, naming the field at fault", () => {
  const cases: [string, RegExp][] = [
    ["61 * * * *", /the minute field "61" is not valid/],
    ["* 24 * * *", /the hour field "24"/],
    ["* * 32 * *", /the day-of-month field "32"/],
    ["* * * 13 *", /the month field "13"/],
    ["* * * * 8", /the day-of-week field "8"/],
    ["* * * *", /it has 4 fields, five are needed \(minute hour day-of-month month day-of-week\)/],
    ["0 * * * * *", /it has 6 fields/],
    ["@daily", /it has 1 field,/],
    ["", /it has 0 fields/],
    ["0 0 30 2 *", /it never fires/],
  ];
  for (const [expression, message] of cases) {
    assert.throws(
      () => parseCron(expression),
      (e) => e instanceof InvalidArgumentError && message.test(e.message) && e.field === "cron",
      expression,
    );
  }
});

Deno.test("checkTimezone() refuses what is not a time zone", () => {
  assert.equal(checkTimezone("UTC"), "UTC");
  for (const bad of ["Mars/Olympus", "", "not a zone"]) {
    assert.throws(
      () => checkTimezone(bad),
      (e) =>
        e instanceof InvalidArgumentError && /Invalid timezone/.test(e.message) &&
        e.field === "timezone",
    );
  }
  assert.throws(() => parseCron("* * * * *", "Mars/Olympus"), /Invalid timezone "Mars\/Olympus"/);
});
