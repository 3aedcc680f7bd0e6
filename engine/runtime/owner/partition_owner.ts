/**
 * What an owner does with the partitions it holds: taking them on (a commit of their runs checks
 * their epochs, orphaned chunks go, their unfinished runs are recovered), serving them, and handing
 * them over to a process that joined (its runs settle, are let go, and their callers read from
 * the store from then on).
 *
 * @module
 */

import { EngineClosedError, ensureError, type StoredDataError } from "../../errors.ts";
import type { HeldLease, KvStore } from "../../../store/mod.ts";
import type { Run } from "../run.ts";
import type { RunLoop } from "../run_loop.ts";
import type { InboxServer } from "./inbox_server.ts";
import type { LeaseGate } from "./lease_keeper.ts";
import type { PendingStarts } from "./pending_starts.ts";
import { recoverRuns } from "./recovery.ts";

/** What the partition owner works with. */
export interface PartitionOwnerDeps {
  /** The store. */
  store: KvStore;
  /** The run loop. */
  loop: RunLoop;
  /** Takes on runs started elsewhere. */
  pending: PendingStarts;
  /** The inbox server (a poll in progress settles before a partition is handed over). */
  inbox: InboxServer;
  /** The lease keeper's gate (`undefined` until it exists). */
  lease: () => LeaseGate | undefined;
  /** Runs set apart at recovery because their stored data cannot be read. */
  damaged: Map<string, StoredDataError>;
  /** Callers awaiting a run's result read it from the store from now on. */
  handedOver: (workflowId: string) => void;
  /** Whether the engine stopped (closed, or lost a lease). */
  stopped: () => boolean;
  /** How long running activities may take before a partition is handed over, in ms. */
  graceMs: number;
  /** Receives errors no caller can receive. */
  report: (error: unknown) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** See the module doc. */
export class PartitionOwner {
  readonly #deps: PartitionOwnerDeps;
  /** Partitions whose runs were taken on and that are not being handed over. */
  readonly #serving = new Set<number>();

  /**
   * Creates the partition owner.
   *
   * @param deps What it works with.
   */
  constructor(deps: PartitionOwnerDeps) {
    this.#deps = deps;
  }

  /**
   * Whether this owner runs a partition's runs now: taken on, not being handed over, and its
   * lease surely holds.
   *
   * @param partition The partition.
   * @returns `true` when it does.
   */
  runs(partition: number): boolean {
    return this.#serving.has(partition) && this.#deps.lease()?.valid(partition) === true;
  }

  /** The partitions this owner serves now (the inbox reads theirs). */
  get serving(): number[] {
    return [...this.#serving].filter((p) => this.runs(p)).sort((a, b) => a - b);
  }

  /**
   * Takes partitions on: commits of their runs check their epochs from now on, chunks that no record
   * references go (no write of an older epoch can land any more), and their unfinished runs
   * are recovered.
   *
   * @param taken The leases taken, by partition.
   */
  async take(taken: Map<number, HeldLease>): Promise<void> {
    const { store, loop } = this.#deps;
    const partitions = new Set(taken.keys());
    // A run of these partitions still loaded here is from before another process had them (a
    // start or signal that loaded it while the partition was being handed over): its state is
    // stale, and recovery loads it again from the store.
    for (const p of partitions) {
      this.#evict(p, new EngineClosedError(`Partition ${p} changed hands`));
    }
    for (const [p, held] of taken) store.setFence(p, held.epochVersionstamp, held.record.epoch);
    try {
      await store.removeOrphanedChunks([...partitions]);
      const now = Date.now();
      await recoverRuns(
        store,
        partitions,
        (run, work) => {
          loop.runs.set(run.id, run);
          loop.effects.resume(run, work, now);
        },
        (record) => this.#deps.pending.adopt(record.id, record),
        (damaged) => {
          this.#deps.damaged.set(damaged.workflowId, damaged);
          this.#deps.report(damaged);
        },
      );
    } catch (e) {
      for (const p of partitions) {
        this.#evict(p, ensureError(e));
        store.dropFence(p);
      }
      throw e;
    }
    for (const p of partitions) this.#serving.add(p);
  }

  /**
   * Hands a partition over (another process joined): its runs get no new work, what they do
   * now settles (running activities get the grace period), they are let go, and once their last
   * transitions have landed the partition's epoch is no longer checked.
   *
   * @param partition The partition.
   */
  async giveUp(partition: number): Promise<void> {
    const { loop, stopped } = this.#deps;
    this.#serving.delete(partition);
    await this.#deps.inbox.settled();
    const partitionOf = (r: Run) => this.#deps.store.partitionOf(r.id);
    const of = () => [...loop.runs.values()].filter((r) => partitionOf(r) === partition);
    const busy = (run: Run) => {
      if (run.busy || run.landing > 0 || run.inbox.length > 0) return true;
      for (const a of run.activities.values()) if (a.controller !== undefined) return true;
      return false;
    };
    const deadline = Date.now() + this.#deps.graceMs;
    while (!stopped() && Date.now() < deadline && of().some(busy)) await sleep(10);
    const runs = this.#evict(
      partition,
      new EngineClosedError(`Partition ${partition} was handed over to another process`),
    );
    while (!stopped() && runs.some((r) => r.landing > 0)) await sleep(10);
    this.#deps.store.dropFence(partition);
    // Commits that checked its epoch land (or fail) before the lease is released.
    await this.#deps.store.settleFences();
  }

  /** Lets a partition's runs go: no timers, attempts aborted, waiting callers answered. */
  #evict(partition: number, reason: Error): Run[] {
    this.#serving.delete(partition);
    const store = this.#deps.store;
    const runs = this.#deps.loop.evict((run) => store.partitionOf(run.id) === partition, reason);
    for (const run of runs) this.#deps.handedOver(run.id);
    return runs;
  }
}
