/**
 * The `Wakeup`: the durable backup of Loom's in-process timers. Timers and retries normally fire
 * from in-process `setTimeout`; the wake-up service makes sure a due timer is found even after a
 * crash. Two implementations: KV queue messages with `delay` (local KV), and a KV timer index
 * that is polled (KV Connect and Deno Deploy, which have no queues).
 *
 * @module
 */

import type { Transition } from "../../../store/mod.ts";

/** Called when a timer or retry of a run falls due. */
export type OnDue = (workflowId: string, seq: number) => void;

/** See the module doc. */
export interface Wakeup {
  /** Name, for diagnostics. */
  readonly name: string;
  /** Adds to a transition what wakes the owner at `dueAt`, even after a crash. */
  arm(t: Transition, workflowId: string, seq: number, dueAt: number): void;
  /** Adds to a transition what removes that again (the timer fired or was cancelled). */
  disarm(t: Transition, workflowId: string, seq: number, dueAt: number): void;
  /**
   * Looks for due wake-ups once, now (`engine.tick()`); absent where they are delivered (queues).
   *
   * @param onDue Called for each due wake-up.
   */
  poll?(onDue: OnDue): Promise<void>;
  /** Starts calling `onDue` for due wake-ups. */
  start(onDue: OnDue): void;
  /** Stops calling it. */
  stop(): void;
}
