/**
 * Group commit: transitions submitted while a commit is in flight are committed together in the
 * next one, so many workflows' steps share one `kv.atomic()` (and one fsync).
 *
 * @module
 */

import type { KvStore, Transition } from "../../store/mod.ts";

interface Entry {
  t: Transition;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** See the module doc. */
export class Committer {
  readonly #store: KvStore;
  readonly #onFenceLost: (e: Error) => void;
  #queue: Entry[] = [];
  #running: Promise<void> | undefined;
  #dead: Error | undefined;

  /**
   * Creates the committer.
   *
   * @param store Where to commit.
   * @param onFenceLost Called once when the owner lease turns out to be lost.
   */
  constructor(store: KvStore, onFenceLost: (e: Error) => void) {
    this.#store = store;
    this.#onFenceLost = onFenceLost;
  }

  /** Transitions waiting or in flight. */
  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Queues a transition.
   *
   * @param t The transition.
   * @returns Resolves once it has landed; rejects with the reason it was refused.
   */
  submit(t: Transition): Promise<void> {
    if (this.#dead !== undefined) return Promise.reject(this.#dead);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ t, resolve, reject });
      this.#running ??= this.#pump();
    });
  }

  /** Resolves when everything submitted so far has landed or been refused. */
  async drain(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  async #pump(): Promise<void> {
    await Promise.resolve();
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, 2000);
      try {
        const results = await this.#store.commit(batch.map((e) => e.t));
        const refused = new Set(
          batch.filter((_, i) => results[i] !== undefined).map((e) => e.t.workflowId),
        );
        if (refused.size > 0) {
          // Transitions queued behind a refused one of the same run must not land.
          this.#queue = this.#queue.filter((e) => {
            if (!refused.has(e.t.workflowId)) return true;
            e.reject(
              new Error(`An earlier transition of workflow "${e.t.workflowId}" was refused`),
            );
            return false;
          });
        }
        batch.forEach((e, i) => {
          const err = results[i];
          if (err === undefined) e.resolve();
          else e.reject(err);
        });
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        this.#dead = error;
        for (const entry of [...batch, ...this.#queue.splice(0)]) entry.reject(error);
        this.#onFenceLost(error);
      }
    }
    this.#running = undefined;
  }
}
