/**
 * What a due schedule does now, decided without I/O: which fire times start a run (a buffered
 * fire first), which are skipped (overlap, catch-up) or kept (`buffer_one`), and the next fire
 * time. The scheduler reads the schedule and whether its last run still runs, plans, starts the
 * runs, then writes the plan's outcome.
 *
 * @module
 */

import type { ScheduleCatchup, ScheduleOverlap } from "../../client.ts";
import type { CronTimes } from "./cron.ts";

/** A fire found later than this after its time was missed (no process ran it): catch-up applies. */
export const ON_TIME_MS = 120_000;

/** Most fires `catchup: "all"` starts at once (the latest ones). */
export const MAX_CATCHUP = 100;

/** Most fire times walked one by one; past it, only the latest are read. */
export const MAX_SCAN = 1000;

/** What the plan reads of a schedule. */
export interface FireState {
  /** The next fire time by the expression, `null` for none. */
  nextFireAt: number | null;
  /** A fire kept until the last run ends. */
  buffered: number | null;
  /** Overlap policy. */
  overlap: ScheduleOverlap;
  /** Catch-up policy. */
  catchup: ScheduleCatchup;
}

/** The outcome of {@linkcode planFires}. */
export interface FirePlan {
  /** Fire times whose runs start now, in order. */
  starts: number[];
  /** The next fire time after now, `null` for none. */
  nextFireAt: number | null;
  /** The fire kept until the last run ends, or `null`. */
  buffered: number | null;
  /** Fires not started (at least this many, past {@linkcode MAX_SCAN}). */
  skipped: number;
  /** Whether anything changed (else nothing needs writing). */
  changed: boolean;
}

/** The due fire times up to `now`, and how many there were. */
function dueTimes(
  cron: CronTimes,
  from: number,
  now: number,
): { times: number[]; count: number; next: number | null } {
  const times: number[] = [];
  let t: number | undefined = from;
  while (t !== undefined && t <= now && times.length < MAX_SCAN) {
    times.push(t);
    t = cron.next(t);
  }
  if (t === undefined || t > now) return { times, count: times.length, next: t ?? null };
  // Very long downtime: the latest fires only, and at least this many were due.
  const latest = cron.latest(MAX_CATCHUP, now);
  return { times: latest, count: MAX_SCAN + latest.length, next: cron.next(now) ?? null };
}

/** The due fires that catch-up lets start. */
function caughtUp(times: number[], catchup: ScheduleCatchup, now: number): number[] {
  if (catchup === "all") return times.slice(-MAX_CATCHUP);
  if (catchup === "one") return times.slice(-1);
  return times.filter((t) => now - t <= ON_TIME_MS);
}

/**
 * Plans what a schedule does at `now`.
 *
 * @param state The schedule.
 * @param cron Its expression's times.
 * @param now The time.
 * @param running Whether its last run still runs.
 * @returns The runs to start, the fires skipped or kept, the next fire time.
 * @example
 * ```ts
 * import { parseCron } from "./cron.ts";
 * import { planFires } from "./plan.ts";
 * const at = Date.parse("2025-01-01T10:00:00Z");
 * const plan = planFires(
 *   { nextFireAt: at, buffered: null, overlap: "skip", catchup: "one" },
 *   parseCron("0 * * * *"),
 *   at + 20,
 *   false,
 * );
 * console.assert(plan.starts[0] === at && plan.nextFireAt === at + 3_600_000);
 * ```
 */
export function planFires(
  state: FireState,
  cron: CronTimes,
  now: number,
  running: boolean,
): FirePlan {
  const starts: number[] = [];
  const overlaps = state.overlap !== "allow_all";
  let busy = overlaps && running;
  let buffered = state.buffered;
  let skipped = 0;
  if (buffered !== null && !busy) {
    starts.push(buffered);
    buffered = null;
    busy = overlaps;
  }
  let nextFireAt = state.nextFireAt;
  if (nextFireAt !== null && nextFireAt <= now) {
    const due = dueTimes(cron, nextFireAt, now);
    const chosen = caughtUp(due.times, state.catchup, now);
    skipped += due.count - chosen.length;
    for (const t of chosen) {
      if (!busy) {
        starts.push(t);
        busy = overlaps;
      } else if (state.overlap === "buffer_one" && buffered === null) {
        buffered = t;
      } else {
        skipped++;
      }
    }
    nextFireAt = due.next;
  }
  const changed = starts.length > 0 || skipped > 0 || nextFireAt !== state.nextFireAt ||
    buffered !== state.buffered;
  return { starts, nextFireAt, buffered, skipped, changed };
}
