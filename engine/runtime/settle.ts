/**
 * The macrotask boundary after which workflow code has run every microtask an activation caused.
 *
 * @module
 */

import { setImmediate } from "node:timers";

/**
 * Waits for a macrotask boundary (`setImmediate`: about 7 µs, where `setTimeout(0)` takes ms).
 *
 * @returns A promise that resolves after all queued microtasks have run.
 */
export function settle(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
