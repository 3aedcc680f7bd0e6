/**
 * Durations: milliseconds, a string such as `"90s"`, `"2m"`, `"1h30m"`, or an object such as
 * `{ minutes: 2 }`.
 *
 * @module
 */

import { InvalidArgumentError } from "./errors.ts";

/** Parts of a duration given as an object; they add up. */
export interface DurationParts {
  /** Days. */
  days?: number;
  /** Hours. */
  hours?: number;
  /** Minutes. */
  minutes?: number;
  /** Seconds. */
  seconds?: number;
  /** Milliseconds. */
  milliseconds?: number;
}

/** A duration: milliseconds, a string like `"90s"` / `"2m"` / `"1h30m"`, or {@linkcode DurationParts}. */
export type Duration = number | string | DurationParts;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const PART_MS: Record<keyof DurationParts, number> = {
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
};

/**
 * Converts a duration to milliseconds.
 *
 * @param duration Milliseconds, a string (`"500ms"`, `"90s"`, `"2m"`, `"1h30m"`, `"1d"`) or parts.
 * @param what Name of the argument, used in the error.
 * @returns Whole milliseconds, zero or more.
 * @throws {InvalidArgumentError} When the duration is negative, not finite or not understood.
 * @example
 * ```ts
 * import { toMilliseconds } from "./duration.ts";
 * console.assert(toMilliseconds("1m30s") === 90_000);
 * console.assert(toMilliseconds({ minutes: 2 }) === 120_000);
 * ```
 */
export function toMilliseconds(duration: Duration, what = "duration"): number {
  let ms: number;
  if (typeof duration === "number") {
    ms = duration;
  } else if (typeof duration === "string") {
    const text = duration.trim();
    const re = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy;
    ms = 0;
    let matched = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      ms += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
      matched = re.lastIndex;
      while (text[re.lastIndex] === " ") re.lastIndex++;
      matched = re.lastIndex;
    }
    if (text === "" || matched !== text.length) {
      throw new InvalidArgumentError(
        `Invalid ${what} "${duration}": use milliseconds or a string like "500ms", "90s", "2m", "1h30m"`,
      );
    }
  } else if (typeof duration === "object" && duration !== null) {
    ms = 0;
    for (const [key, value] of Object.entries(duration)) {
      const unit = PART_MS[key as keyof DurationParts];
      if (unit === undefined || typeof value !== "number") {
        throw new InvalidArgumentError(
          `Invalid ${what}: unknown part "${key}" (use days, hours, minutes, seconds, milliseconds)`,
        );
      }
      ms += value * unit;
    }
  } else {
    throw new InvalidArgumentError(`Invalid ${what}: ${String(duration)}`);
  }
  if (!Number.isFinite(ms) || ms < 0) {
    throw new InvalidArgumentError(
      `Invalid ${what} ${JSON.stringify(duration)}: it must be zero or more`,
    );
  }
  return Math.round(ms);
}
