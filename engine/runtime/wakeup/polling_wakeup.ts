/**
 * Wake-ups from a KV timer index (`["timer", dueAt, workflowId, seq]`) polled every interval:
 * for KV without queues (KV Connect, self-hosted denokv, Deno Deploy).
 *
 * @module
 */

import type { KvStore, Transition } from "../../../store/mod.ts";
import type { OnDue, Wakeup } from "./wakeup.ts";

/** See the module doc. */
export class PollingWakeup implements Wakeup {
  readonly name = "poll";
  readonly #store: KvStore;
  readonly #intervalMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * Creates the wake-up service.
   *
   * @param store The owner's store.
   * @param intervalMs Poll interval.
   */
  constructor(store: KvStore, intervalMs: number) {
    this.#store = store;
    this.#intervalMs = intervalMs;
  }

  arm(t: Transition, _workflowId: string, seq: number, dueAt: number): void {
    t.timersSet.push([dueAt, seq]);
  }

  disarm(t: Transition, _workflowId: string, seq: number, dueAt: number): void {
    t.timersDelete.push([dueAt, seq]);
  }

  /**
   * Checks the index once.
   *
   * @param onDue Called for each due entry.
   */
  async poll(onDue: OnDue): Promise<void> {
    for (const [, workflowId, seq] of await this.#store.dueTimers(Date.now())) {
      onDue(workflowId, seq);
    }
  }

  start(onDue: OnDue): void {
    this.stop();
    let running = false;
    this.#timer = setInterval(() => {
      if (running) return;
      running = true;
      this.poll(onDue).catch(() => {}).finally(() => running = false);
    }, this.#intervalMs);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
