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

/** See the module doc. */
export class LeaseKeeper {
  readonly #kv: Deno.Kv;
  readonly #options: LeaseKeeperOptions;
  #held: HeldLease | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #renewing = false;
  #renewal: Promise<void> = Promise.resolve();

  private constructor(kv: Deno.Kv, options: LeaseKeeperOptions, held: HeldLease) {
    this.#kv = kv;
    this.#options = options;
    this.#held = held;
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
    const keeper = new LeaseKeeper(kv, options, held);
    keeper.#timer = setInterval(() => {
      if (!keeper.#renewing) keeper.#renewal = keeper.#renew();
    }, options.renewMs);
    return keeper;
  }

  /** Versionstamp of the partition's epoch key when the lease was taken (the commit fence). */
  get epochVersionstamp(): string {
    return (this.#held as HeldLease).epochVersionstamp;
  }

  /** Whether the lease is still held (not lost, not released). */
  get held(): boolean {
    return this.#held !== undefined;
  }

  /** The lease is lost: stop renewing it and forget it. */
  drop(): void {
    this.#stop();
    this.#held = undefined;
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
      }
    } catch (e) {
      this.#options.onError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.#renewing = false;
    }
  }
}
