/**
 * In-process timers of durable timers and activity retries: one `setTimeout` per run and seq,
 * re-armed when it wakes early (a delay is capped at 2^31-1 ms), calling back when it is due.
 * The durable wake-up service is the backup after a crash; these are the fast path.
 *
 * @module
 */

import type { Run } from "./run.ts";

const MAX_DELAY_MS = 2 ** 31 - 1;

/** See the module doc. */
export class Timers {
  readonly #onDue: (workflowId: string, seq: number) => void;
  readonly #stopped: () => boolean;

  /**
   * Creates the timers.
   *
   * @param onDue Called when a timer of a run falls due.
   * @param stopped Whether the engine stopped (no timer is armed then).
   */
  constructor(onDue: (workflowId: string, seq: number) => void, stopped: () => boolean) {
    this.#onDue = onDue;
    this.#stopped = stopped;
  }

  /**
   * Arms (or re-arms) the timer of a run's seq.
   *
   * @param run The run.
   * @param seq The timer's or activity call's seq.
   * @param at When it falls due (ms).
   */
  arm(run: Run, seq: number, at: number): void {
    this.clear(run, seq);
    if (this.#stopped()) return;
    const delay = Math.min(Math.max(0, at - Date.now()), MAX_DELAY_MS);
    run.timeouts.set(
      seq,
      setTimeout(() => {
        run.timeouts.delete(seq);
        if (Date.now() < at) this.arm(run, seq, at);
        else this.#onDue(run.id, seq);
      }, delay),
    );
  }

  /**
   * Clears the timer of a run's seq.
   *
   * @param run The run.
   * @param seq The seq.
   */
  clear(run: Run, seq: number): void {
    const handle = run.timeouts.get(seq);
    if (handle !== undefined) clearTimeout(handle);
    run.timeouts.delete(seq);
  }

  /**
   * Clears every timer of a run.
   *
   * @param run The run.
   */
  clearAll(run: Run): void {
    for (const seq of [...run.timeouts.keys()]) this.clear(run, seq);
  }
}
