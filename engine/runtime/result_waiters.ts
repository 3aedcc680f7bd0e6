/**
 * Callers awaiting the end of runs (`handle.result()`), by run: told once the run's terminal
 * transition lands, or rejected when the engine stops first.
 *
 * @module
 */

/** One caller awaiting a run's end. */
export interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** What stops the wait, if anything. */
  signal: AbortSignal | undefined;
}

/** See the module doc. */
export class ResultWaiters {
  readonly #waiters = new Map<string, Set<Waiter>>();

  /**
   * Waits for a run's end.
   *
   * @param workflowId The run.
   * @param signal Stops waiting (rejects with its reason).
   * @param check Called once the waiter is registered, to catch an end that landed meanwhile:
   * it settles the waiter itself through the functions it is given.
   * @returns The run's final state; rejects with its error.
   */
  wait(
    workflowId: string,
    signal: AbortSignal | undefined,
    check: (waiter: Waiter) => void,
  ): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const waiters = this.#waiters.get(workflowId) ?? new Set<Waiter>();
      const waiter: Waiter = {
        resolve: (v) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(v);
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
        signal,
      };
      const onAbort = () => {
        waiters.delete(waiter);
        reject(signal?.reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      waiters.add(waiter);
      this.#waiters.set(workflowId, waiters);
      check(waiter);
    });
  }

  /**
   * Settles every waiter of a run that ended.
   *
   * @param workflowId The run.
   * @param outcome Its final state, or its error.
   */
  settle(workflowId: string, outcome: { ok: true; value: unknown } | { ok: false; error: Error }) {
    const waiters = this.#waiters.get(workflowId);
    this.#waiters.delete(workflowId);
    if (waiters === undefined) return;
    for (const waiter of waiters) {
      if (outcome.ok) waiter.resolve(outcome.value);
      else waiter.reject(outcome.error);
    }
  }

  /**
   * Rejects every waiter (the engine stopped).
   *
   * @param error Why.
   */
  /**
   * Hands a run's waiters to something else that settles them (the run is no longer this
   * process's).
   *
   * @param workflowId The run.
   * @param to Settles one waiter.
   */
  handOver(workflowId: string, to: (waiter: Waiter) => void): void {
    const waiters = this.#waiters.get(workflowId);
    this.#waiters.delete(workflowId);
    for (const waiter of waiters ?? []) to(waiter);
  }

  rejectAll(error: Error): void {
    for (const waiters of this.#waiters.values()) for (const w of waiters) w.reject(error);
    this.#waiters.clear();
  }
}
