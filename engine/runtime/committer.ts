/**
 * Group commit: transitions submitted while commits are in flight are committed together in the
 * next one, so many workflows' steps share one `kv.atomic()` (and one fsync). Two batches may be
 * in flight at once, so that the next one is serialized while KV writes the current one; they
 * never hold transitions of the same run, and KV applies them in the order they were sent, so
 * each run's transitions (and the global event ids) land in order.
 *
 * @module
 */

import {
  FenceLost,
  isTransientStorageError,
  type KvStore,
  type Transition,
} from "../../store/mod.ts";

interface Entry {
  t: Transition;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** Batches in flight at once. */
const IN_FLIGHT = 2;
/** Writes a batch aims at, so that it usually fits one atomic operation. */
const BATCH_WRITES = 700;

function writes(t: Transition): number {
  return 1 + t.history.length + (t.created ? 3 : 0) + (t.previousStatus === undefined ? 0 : 2) +
    t.logs.length * 2 + t.timersSet.length + t.timersDelete.length + t.enqueue.length +
    Math.ceil(t.finishedTasks.length / 30);
}

/** See the module doc. */
export class Committer {
  readonly #store: KvStore;
  readonly #onFenceLost: (e: Error) => void;
  #queue: Entry[] = [];
  readonly #inFlight = new Set<Set<string>>();
  #kickQueued = false;
  #dead: Error | undefined;
  #idle: (() => void)[] = [];

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
    let n = this.#queue.length;
    for (const batch of this.#inFlight) n += batch.size;
    return n;
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
      if (this.#kickQueued) return;
      // Wait for the end of this tick: what is submitted together is committed together.
      this.#kickQueued = true;
      queueMicrotask(() => {
        this.#kickQueued = false;
        this.#kick();
      });
    });
  }

  /** Resolves when everything submitted so far has landed or been refused. */
  drain(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #kick(): void {
    while (this.#dead === undefined && this.#inFlight.size < IN_FLIGHT) {
      const batch = this.#take();
      if (batch.length === 0) break;
      this.#send(batch);
    }
    if (this.#queue.length === 0 && this.#inFlight.size === 0) {
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /** Takes the next batch: in order, skipping runs that have a batch in flight. */
  #take(): Entry[] {
    const blocked = new Set<string>();
    for (const batch of this.#inFlight) for (const id of batch) blocked.add(id);
    const out: Entry[] = [];
    const rest: Entry[] = [];
    let budget = 0;
    for (const entry of this.#queue) {
      const id = entry.t.workflowId;
      const cost = writes(entry.t);
      if (blocked.has(id) || (out.length > 0 && budget + cost > BATCH_WRITES)) {
        // A run's later transitions wait behind its earlier ones.
        blocked.add(id);
        rest.push(entry);
        continue;
      }
      out.push(entry);
      budget += cost;
    }
    this.#queue = rest;
    return out;
  }

  #send(batch: Entry[]): void {
    const ids = new Set(batch.map((e) => e.t.workflowId));
    this.#inFlight.add(ids);
    this.#store.commit(batch.map((e) => e.t)).then((results) => {
      // In commit order: a run's refused transition is told before its later ones.
      const refused = new Map<string, Error>();
      batch.forEach((e, i) => {
        const err = results[i];
        if (err === undefined) {
          e.resolve();
          return;
        }
        e.reject(err);
        if (!refused.has(e.t.workflowId)) refused.set(e.t.workflowId, err);
      });
      if (refused.size > 0) this.#refuseQueued(refused);
    }, (e) => {
      const error = e instanceof Error ? e : new Error(String(e));
      if (!(error instanceof FenceLost) && isTransientStorageError(error)) {
        // The store failed for a while (a full disk): the batch did not land; nothing is lost.
        const refused = new Map<string, Error>();
        for (const entry of batch) {
          entry.reject(error);
          refused.set(entry.t.workflowId, error);
        }
        this.#refuseQueued(refused);
        return;
      }
      if (this.#dead === undefined) {
        this.#dead = error;
        this.#onFenceLost(error);
      }
      for (const entry of [...batch, ...this.#queue.splice(0)]) entry.reject(error);
    }).finally(() => {
      this.#inFlight.delete(ids);
      this.#kick();
    });
  }

  /** Transitions queued behind a refused one of the same run must not land. */
  #refuseQueued(refused: Map<string, Error>): void {
    this.#queue = this.#queue.filter((e) => {
      const cause = refused.get(e.t.workflowId);
      if (cause === undefined) return true;
      e.reject(
        isTransientStorageError(cause)
          ? cause
          : new Error(`An earlier transition of workflow "${e.t.workflowId}" was refused`),
      );
      return false;
    });
  }
}
