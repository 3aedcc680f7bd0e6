/**
 * Wake-ups as KV queue messages with `delay`, written in the same atomic operation as the timer.
 * Only for KV with queues (local files, `:memory:`).
 *
 * @module
 */

import type { Transition } from "../../../store/mod.ts";
import type { OnDue, Wakeup } from "./wakeup.ts";

/** Longest delay KV accepts (30 days); longer timers are re-armed when the message arrives. */
export const MAX_QUEUE_DELAY_MS = 2_592_000_000;

interface WakeMessage {
  loom: "wake";
  workflowId: string;
  seq: number;
  dueAt: number;
}

function isWake(value: unknown): value is WakeMessage {
  return typeof value === "object" && value !== null && (value as WakeMessage).loom === "wake";
}

/** See the module doc. */
export class KvQueueWakeup implements Wakeup {
  readonly name = "kv-queue";
  readonly #kv: Deno.Kv;
  #onDue: OnDue | undefined;
  #listening = false;

  /**
   * Creates the wake-up service.
   *
   * @param kv The owner's KV handle.
   */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  arm(t: Transition, workflowId: string, seq: number, dueAt: number): void {
    const message: WakeMessage = { loom: "wake", workflowId, seq, dueAt };
    const delay = Math.min(Math.max(0, dueAt - Date.now()), MAX_QUEUE_DELAY_MS);
    t.enqueue.push({ value: message, delay });
  }

  disarm(): void {
    // A message cannot be withdrawn; when it arrives, the engine finds nothing due and ignores it.
  }

  start(onDue: OnDue): void {
    this.#onDue = onDue;
    if (this.#listening) return;
    this.#listening = true;
    this.#kv.listenQueue(async (value: unknown) => {
      if (!isWake(value) || this.#onDue === undefined) return;
      const left = value.dueAt - Date.now();
      if (left > 1000) {
        await this.#kv.enqueue(value, { delay: Math.min(left, MAX_QUEUE_DELAY_MS) });
        return;
      }
      this.#onDue(value.workflowId, value.seq);
    }).catch(() => {});
  }

  stop(): void {
    this.#onDue = undefined;
  }
}
