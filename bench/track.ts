/**
 * Watches an engine from outside (`engine.subscribe`): when each run ended, and when each
 * activity result landed, timed with `performance.now()`.
 *
 * @module
 */

import { type Engine, type EngineChange, EventType, WorkflowStatus } from "../engine/mod.ts";

/** Timestamps of the changes a workload waits for. */
export class Tracker implements Disposable {
  /** When each run completed (`performance.now()`), by workflow id. */
  readonly completedAt: Map<string, number> = new Map();
  /** When each `ACTIVITY_COMPLETED` landed, in order. */
  readonly activityCompletedAt: number[] = [];
  /** When each run started waiting for a signal (`SIGNAL_WAITING` landed), by workflow id. */
  readonly waitingAt: Map<string, number> = new Map();
  readonly #expected: number;
  readonly #unsubscribe: () => void;
  #failure: Error | undefined;
  #settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  readonly #done: Promise<void>;

  /**
   * Subscribes to `engine`.
   *
   * @param engine The engine.
   * @param expected Runs whose completion {@linkcode Tracker.done} waits for.
   */
  constructor(engine: Engine, expected: number) {
    this.#expected = expected;
    this.#done = new Promise<void>((resolve, reject) => this.#settle = { resolve, reject });
    this.#done.catch(() => {});
    this.#unsubscribe = engine.subscribe((change) => this.#on(change));
  }

  #on(change: EngineChange): void {
    const now = performance.now();
    for (const e of change.events) {
      if (e.type === EventType.ActivityCompleted) this.activityCompletedAt.push(now);
      else if (e.type === EventType.SignalWaiting) this.waitingAt.set(change.workflowId, now);
    }
    if (change.status === WorkflowStatus.Completed) {
      this.completedAt.set(change.workflowId, now);
      if (this.completedAt.size >= this.#expected) this.#settle?.resolve();
    } else if (change.status !== WorkflowStatus.Running && this.#failure === undefined) {
      this.#failure = new Error(
        `Workflow "${change.workflowId}" ended ${change.status} instead of COMPLETED`,
      );
      this.#settle?.reject(this.#failure);
    }
  }

  /** Resolves when the expected number of runs completed; rejects when one failed. */
  get done(): Promise<void> {
    return this.#done;
  }

  /** Progress, for time-out messages. */
  progress(): string {
    return `${this.completedAt.size} of ${this.#expected} runs completed`;
  }

  /** Unsubscribes. */
  [Symbol.dispose](): void {
    this.#unsubscribe();
  }
}
