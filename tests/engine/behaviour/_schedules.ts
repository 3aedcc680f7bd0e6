/**
 * Helpers of the schedule tests: a clock the test moves (schedules fire by it), and waiting for
 * the run a fire starts.
 *
 * @module
 */

import type { Engine } from "../../../engine/mod.ts";
import { until } from "../../_helpers.ts";

/** 2025-01-01T10:00:30Z: half a minute before a per-minute schedule's first fire. */
export const T0 = Date.parse("2025-01-01T10:00:30.000Z");

/** A minute, in ms. */
export const MIN = 60_000;

/** A clock that stands still until the test moves it. */
export class TestClock {
  /** The time (ms since the epoch). */
  now: number;

  /**
   * Makes the clock.
   *
   * @param start The time it shows. @default T0
   */
  constructor(start = T0) {
    this.now = start;
  }

  /** The clock as `scheduleClock` takes it. */
  readonly read = (): number => this.now;

  /**
   * Moves the clock to a time.
   *
   * @param iso The time, ISO 8601.
   */
  set(iso: string): void {
    this.now = Date.parse(iso);
  }
}

/**
 * The id of the run a fire at `iso` starts.
 *
 * @param scheduleId The schedule.
 * @param iso The fire time (`10:01` on T0's day, or a full ISO time).
 * @returns The run id.
 */
export function fired(scheduleId: string, iso: string): string {
  const full = iso.length <= 5 ? `2025-01-01T${iso}:00.000Z` : iso;
  return `${scheduleId}@${new Date(full).toISOString()}`;
}

/**
 * Waits until a run exists.
 *
 * @param engine The engine.
 * @param id The run.
 * @param timeoutMs Give up after.
 */
export async function runExists(engine: Engine, id: string, timeoutMs = 10_000): Promise<void> {
  await until(async () => (await engine.reader.run(id)) !== undefined, `run ${id}`, timeoutMs);
}

/**
 * The ids of the runs a schedule started, sorted.
 *
 * @param engine The engine.
 * @param scheduleId The schedule.
 * @returns Run ids.
 */
export async function runsOf(engine: Engine, scheduleId: string): Promise<string[]> {
  return (await engine.reader.findRunIds(`${scheduleId}@`, 1000)).sort();
}

/**
 * Waits a moment (for fires that must not happen).
 *
 * @param ms How long.
 */
export function pause(ms = 250): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
