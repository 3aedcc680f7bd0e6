/**
 * The owner lease of one partition, held: taken at start, renewed on an interval (one renewal
 * at a time), released at close, and reported lost when another process changed it.
 *
 * @module
 */

import { OwnerLeaseError } from "../../errors.ts";
import {
  acquireLease,
  type HeldLease,
  LeaseHeld,
  releaseLease,
  renewLease,
} from "../../../store/mod.ts";

/** Options of {@linkcode LeaseKeeper.acquire}. */
export interface LeaseKeeperOptions {
  /** This process's owner id. */
  ownerId: string;
  /** The partition. */
  partition: number;
  /** Lifetime of the lease without renewal, in ms. */
  ttlMs: number;
  /** How often it is renewed, in ms. */
  renewMs: number;
  /** Name of the store, for messages. */
  where: string;
  /** Called once when another process took the lease. */
  onLost: (cause: Error) => void;
  /** Called with errors of a renewal that may succeed next time. */
  onError: (error: Error) => void;
}

/**
 * Whether an owner may act on a partition now: its lease is held and was renewed recently
 * enough that it cannot have lapsed (fencing in time, beside the fence every commit checks).
 */
export interface LeaseGate {
  /**
   * Whether the lease surely holds now.
   *
   * @param partition The partition.
   * @returns `true` while the last successful renewal is younger than the TTL minus a margin.
   */
  valid(partition: number): boolean;
  /**
   * Waits until the lease surely holds, or is lost.
   *
   * @param partition The partition.
   * @returns `true` once it holds, `false` when it is lost (or given up).
   */
  whenHeld(partition: number): Promise<boolean>;
}

/** Time before a lease's expiry at which its owner stops acting on it: one renewal interval. */
function marginOf(options: { ttlMs: number; renewMs: number }): number {
  return Math.min(options.renewMs, options.ttlMs / 2);
}

/** See the module doc. */
export class LeaseKeeper {
  readonly #kv: Deno.Kv;
  readonly #options: LeaseKeeperOptions;
  #held: HeldLease | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #renewing = false;
  /** Until when the lease surely holds: last successful renewal's start + TTL − margin. */
  #validUntil: number;
  #waiting: ((held: boolean) => void)[] = [];
  #lastError: Error | undefined;
  #renewal: Promise<void> = Promise.resolve();

  private constructor(kv: Deno.Kv, options: LeaseKeeperOptions, held: HeldLease, since: number) {
    this.#kv = kv;
    this.#options = options;
    this.#held = held;
    this.#validUntil = since + options.ttlMs - marginOf(options);
  }

  /**
   * Takes the lease (waiting for a lapsing one) and starts renewing it.
   *
   * @param kv The KV handle.
   * @param options Partition, timings, callbacks.
   * @returns The keeper.
   * @throws {OwnerLeaseError} When another live process holds the lease.
   */
  static async acquire(kv: Deno.Kv, options: LeaseKeeperOptions): Promise<LeaseKeeper> {
    let held: HeldLease;
    try {
      held = await acquireLease(kv, {
        ownerId: options.ownerId,
        partition: options.partition,
        ttlMs: options.ttlMs,
        renewMs: options.renewMs,
      }, options.where);
    } catch (e) {
      if (e instanceof LeaseHeld) throw new OwnerLeaseError(e.message);
      throw e;
    }
    // The record's expiry was computed from `acquiredAt`, before the commit that took it.
    const keeper = new LeaseKeeper(kv, options, held, held.record.acquiredAt);
    keeper.#timer = setInterval(() => {
      if (!keeper.#renewing) keeper.#renewal = keeper.#renew();
    }, options.renewMs);
    return keeper;
  }

  /** Versionstamp of the partition's epoch key when the lease was taken (the commit fence). */
  get epochVersionstamp(): string {
    return (this.#held as HeldLease).epochVersionstamp;
  }

  /** The epoch of the lease taken (it identifies this holder: see `store/write_ids.ts`). */
  get epoch(): number {
    return (this.#held as HeldLease).record.epoch;
  }

  /** Whether the lease is still held (not lost, not released). */
  get held(): boolean {
    return this.#held !== undefined;
  }

  /**
   * Whether the lease surely holds now: held, and renewed within the TTL minus a margin.
   *
   * @returns `true` when this owner may dispatch work.
   */
  valid(): boolean {
    return this.#held !== undefined && Date.now() < this.#validUntil;
  }

  /**
   * Waits until the lease surely holds (at once when it does), or is lost.
   *
   * @returns `true` once it holds, `false` when it is lost or given up.
   */
  whenHeld(): Promise<boolean> {
    if (this.valid()) return Promise.resolve(true);
    if (this.#held === undefined) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => this.#waiting.push(resolve));
  }

  /** Why the last renewal failed, while renewals fail (`undefined` once one succeeds). */
  get renewalError(): Error | undefined {
    return this.#lastError;
  }

  /** The lease is lost: stop renewing it and forget it. */
  drop(): void {
    this.#stop();
    this.#held = undefined;
    this.#wake(false);
  }

  #wake(held: boolean): void {
    for (const resolve of this.#waiting.splice(0)) resolve(held);
  }

  /**
   * Stops renewing and gives the lease up, so that another process may take it at once. A
   * renewal in flight ends first: releasing with the versionstamp it replaces would fail and
   * leave the lease held until it lapses.
   */
  async release(): Promise<void> {
    this.#stop();
    await this.#renewal;
    const held = this.#held;
    this.#held = undefined;
    this.#wake(false);
    if (held !== undefined) {
      await releaseLease(this.#kv, held, this.#options.partition).catch(() => {});
    }
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #renew(): Promise<void> {
    // One renewal at a time: under load a commit can outlast the renewal interval, and a second
    // renewal checking the same versionstamp would fail and look like a takeover.
    if (this.#held === undefined || this.#renewing) return;
    this.#renewing = true;
    const started = Date.now();
    try {
      const renewed = await renewLease(
        this.#kv,
        this.#held,
        this.#options.ttlMs,
        this.#options.partition,
      );
      if (renewed === undefined) {
        if (this.#held !== undefined) {
          this.drop();
          this.#options.onLost(new Error("the lease key was changed by another process"));
        }
      } else if (this.#held !== undefined) {
        this.#held = renewed;
        this.#lastError = undefined;
        this.#validUntil = started + this.#options.ttlMs - marginOf(this.#options);
        if (this.valid()) this.#wake(true);
      }
    } catch (e) {
      this.#lastError = e instanceof Error ? e : new Error(String(e));
      this.#options.onError(this.#lastError);
    } finally {
      this.#renewing = false;
    }
  }
}
