/**
 * The statistics the bench reports: median, percentiles, and the median/min/max summary of a
 * figure over rounds. Pure functions.
 *
 * @module
 */

/** A figure over the timed rounds. */
export interface Summary {
  /** Median of the rounds. */
  median: number;
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
  /** Every round's value, in round order. */
  values: number[];
}

/**
 * The `p`-th percentile by linear interpolation between closest ranks (the definition numpy
 * uses by default): p50 of `[1, 2, 3, 4]` is 2.5, p99 of 200 values lies between the 198th and
 * 199th smallest.
 *
 * @param values Samples, in any order (not modified).
 * @param p Percentile, from 0 to 100.
 * @returns The percentile.
 * @throws {RangeError} When `values` is empty or `p` is outside 0–100.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError("Cannot take a percentile of no values");
  if (!(p >= 0 && p <= 100)) throw new RangeError(`Invalid percentile ${p}: it must be 0 to 100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

/**
 * The median (the 50th percentile: the mean of the two middle values for an even count).
 *
 * @param values Samples.
 * @returns The median.
 * @throws {RangeError} When `values` is empty.
 */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * Summarizes a figure over rounds.
 *
 * @param values One value per round.
 * @returns Median, min, max and the values.
 * @throws {RangeError} When `values` is empty.
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError("Cannot summarize no rounds");
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    values: [...values],
  };
}
