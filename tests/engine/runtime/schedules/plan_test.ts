import assert from "node:assert/strict";
import { parseCron } from "../../../../engine/runtime/schedules/cron.ts";
import {
  type FireState,
  MAX_CATCHUP,
  ON_TIME_MS,
  planFires,
} from "../../../../engine/runtime/schedules/plan.ts";

const MIN = 60_000;
const T0 = Date.parse("2025-01-01T10:00:00.000Z");
const everyMinute = parseCron("* * * * *");

function state(over: Partial<FireState> = {}): FireState {
  return { nextFireAt: T0, buffered: null, overlap: "skip", catchup: "one", ...over };
}

Deno.test("planFires() starts a fire that is due, and moves to the next one", () => {
  const plan = planFires(state(), everyMinute, T0 + 5, false);
  assert.deepEqual(plan, {
    starts: [T0],
    nextFireAt: T0 + MIN,
    buffered: null,
    skipped: 0,
    changed: true,
  });
});

Deno.test("planFires() changes nothing before the fire time", () => {
  const plan = planFires(state(), everyMinute, T0 - 1, false);
  assert.deepEqual(plan.starts, []);
  assert.equal(plan.changed, false);
  assert.equal(plan.nextFireAt, T0);
});

Deno.test("planFires() catch-up: one starts the latest missed fire, all each, none only on time", () => {
  const now = T0 + 10 * MIN + 1000; // 11 fires due: T0 … T0 + 10 min
  const one = planFires(state({ catchup: "one" }), everyMinute, now, false);
  assert.deepEqual(one.starts, [T0 + 10 * MIN]);
  assert.equal(one.skipped, 10);
  assert.equal(one.nextFireAt, T0 + 11 * MIN);
  const all = planFires(state({ catchup: "all", overlap: "allow_all" }), everyMinute, now, false);
  assert.deepEqual(all.starts, Array.from({ length: 11 }, (_, i) => T0 + i * MIN));
  assert.equal(all.skipped, 0);
  const none = planFires(state({ catchup: "none" }), everyMinute, now, false);
  // Found within ON_TIME_MS of their time: T0 + 9 and + 10 min.
  assert.deepEqual(none.starts, [T0 + 9 * MIN]);
  assert.equal(none.skipped, 10, "one on time but overlapping the other, nine missed");
  const allowed = planFires(
    state({ catchup: "none", overlap: "allow_all" }),
    everyMinute,
    now,
    false,
  );
  assert.deepEqual(allowed.starts, [T0 + 9 * MIN, T0 + 10 * MIN]);
  const late = planFires(state({ catchup: "none" }), everyMinute, T0 + ON_TIME_MS + 1, false);
  assert.deepEqual(late.starts, [T0 + MIN], "the fire two minutes late is dropped");
});

Deno.test("planFires() catch-up all starts at most the latest 100 fires, even after a year", () => {
  const now = T0 + 365 * 24 * 60 * MIN;
  const plan = planFires(
    state({ catchup: "all", overlap: "allow_all" }),
    everyMinute,
    now,
    false,
  );
  assert.equal(plan.starts.length, MAX_CATCHUP);
  assert.equal(plan.starts.at(-1), now);
  assert.equal(plan.starts[0], now - (MAX_CATCHUP - 1) * MIN);
  assert.equal(plan.nextFireAt, now + MIN);
  assert.ok(plan.skipped >= 1000, "the fires before the latest 100 are counted as skipped");
  const one = planFires(state(), everyMinute, now + 30_000, false);
  assert.deepEqual(one.starts, [now]);
});

Deno.test("planFires() overlap skip: no fire while the last run still runs", () => {
  const plan = planFires(state(), everyMinute, T0 + 5, true);
  assert.deepEqual(plan.starts, []);
  assert.equal(plan.skipped, 1);
  assert.equal(plan.nextFireAt, T0 + MIN);
  assert.equal(plan.buffered, null);
});

Deno.test("planFires() overlap buffer_one: keeps one fire, starts it once the run ended", () => {
  const kept = planFires(state({ overlap: "buffer_one" }), everyMinute, T0 + 5, true);
  assert.deepEqual(kept.starts, []);
  assert.equal(kept.buffered, T0);
  assert.equal(kept.skipped, 0);
  const second = planFires(
    { ...state({ overlap: "buffer_one" }), nextFireAt: T0 + MIN, buffered: T0 },
    everyMinute,
    T0 + MIN + 5,
    true,
  );
  assert.equal(second.buffered, T0, "the first kept fire stays; a later one is skipped");
  assert.equal(second.skipped, 1);
  const waiting = planFires(
    { ...state({ overlap: "buffer_one" }), nextFireAt: T0 + MIN, buffered: T0 },
    everyMinute,
    T0 + 30_000,
    true,
  );
  assert.equal(waiting.changed, false, "still running, nothing due: nothing to write");
  const ended = planFires(
    { ...state({ overlap: "buffer_one" }), nextFireAt: T0 + MIN, buffered: T0 },
    everyMinute,
    T0 + 30_000,
    false,
  );
  assert.deepEqual(ended.starts, [T0]);
  assert.equal(ended.buffered, null);
  assert.equal(ended.nextFireAt, T0 + MIN);
  const both = planFires(
    { ...state({ overlap: "buffer_one" }), nextFireAt: T0 + MIN, buffered: T0 },
    everyMinute,
    T0 + MIN + 5,
    false,
  );
  assert.deepEqual(both.starts, [T0], "the kept fire starts; the due one is kept in turn");
  assert.equal(both.buffered, T0 + MIN);
});

Deno.test("planFires() overlap allow_all: every fire starts while runs still run", () => {
  const plan = planFires(
    state({ overlap: "allow_all", catchup: "all" }),
    everyMinute,
    T0 + 2 * MIN,
    true,
  );
  assert.deepEqual(plan.starts, [T0, T0 + MIN, T0 + 2 * MIN]);
});

Deno.test("planFires() with skip and catch-up all: the first missed fire starts, the rest overlap it", () => {
  const plan = planFires(state({ catchup: "all" }), everyMinute, T0 + 3 * MIN, false);
  assert.deepEqual(plan.starts, [T0]);
  assert.equal(plan.skipped, 3);
});
