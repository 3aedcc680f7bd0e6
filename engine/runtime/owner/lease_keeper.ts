/**
 * The owner leases this process holds, one per partition: taken at start (its fair share of the
 * file's partitions, all of them when it runs alone), renewed together in one atomic operation
 * (one renewal at a time, which also writes this process's member record), given up voluntarily
 * when other processes join (each keeps `floor(partitions / members)`, the oldest one more), taken when others leave
 * or lapse, released at close, and reported lost when another process took one over (a lapse:
 * this process was paused or cut off).
 *
 * @module
 */

import {
  type HeldLease,
  liveMembers,
  type MemberRecord,
  releaseLeases,
  removeMember,
  renewLeases,
  takeLeases,
  writeMember,
} from "../../../store/mod.ts";

/** Options of {@linkcode LeaseKeeper.start}. */
export interface LeaseKeeperOptions {
  /** This process's owner id. */
  ownerId: string;
  /** The file's partition count. */
  partitionCount: number;
  /** Lifetime of a lease without renewal, in ms. */
  ttlMs: number;
  /** How often the leases are renewed (and shares rebalanced), in ms. */
  renewMs: number;
  /** Name of the store, for messages. */
  where: string;
  /** Take part with other processes (join, rebalance, take over). @default true */
  share?: boolean;
  /** Partitions taken (at start or later): resolve once the engine has taken their runs on. */
  onTaken: (taken: Map<number, HeldLease>) => Promise<void>;
  /** A partition is to be given up: resolve once the engine has let its work settle. */
  onGiveUp: (partition: number) => Promise<void>;
  /** Called once when another process took a lease over. */
  onLost: (cause: Error) => void;
  /** Called with errors of a renewal that may succeed next time. */
  onError: (error: Error) => void;
}

/**
 * Whether an owner may act on a partition now: it holds the partition's lease, renewed recently
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
   * Waits until the lease surely holds, or is lost or given up.
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

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown host";
  }
}

/** See the module doc. */
export class LeaseKeeper implements LeaseGate {
  readonly #kv: Deno.Kv;
  readonly #options: LeaseKeeperOptions;
  readonly #held = new Map<number, HeldLease>();
  /** Until when each lease surely holds: its last successful renewal's start + TTL − margin. */
  readonly #validUntil = new Map<number, number>();
  /** Partitions being given up: no new work; renewed until released. */
  readonly #leaving = new Set<number>();
  readonly #startedAt = Date.now();
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticking = false;
  #tick: Promise<void> = Promise.resolve();
  #rebalancing: Promise<void> | undefined;
  #waiting: ((changed: void) => void)[] = [];
  #lastError: Error | undefined;
  #stopped = false;
  #joining = false;
  /** Lease writes (renew, take, release) one at a time, so that none sees another's half. */
  #writing: Promise<unknown> = Promise.resolve();
  #members = 1;
  #fair = 1;

  private constructor(kv: Deno.Kv, options: LeaseKeeperOptions) {
    this.#kv = kv;
    this.#options = options;
  }

  /**
   * Creates a keeper that holds nothing yet; `join()` takes its share.
   *
   * @param kv The KV handle.
   * @param options Partition count, timings, callbacks.
   * @returns The keeper.
   */
  static create(kv: Deno.Kv, options: LeaseKeeperOptions): LeaseKeeper {
    return new LeaseKeeper(kv, options);
  }

  /**
   * Creates a keeper and joins the file (see `join()`).
   *
   * @param kv The KV handle.
   * @param options Partition count, timings, callbacks.
   * @returns The keeper.
   */
  static async start(kv: Deno.Kv, options: LeaseKeeperOptions): Promise<LeaseKeeper> {
    const keeper = new LeaseKeeper(kv, options);
    await keeper.join();
    return keeper;
  }

  /**
   * Joins the file: takes this process's share of the partitions (every free or lapsed one when
   * it runs alone) and starts renewing them. On failure, what it took is given back.
   */
  async join(): Promise<void> {
    const options = this.#options;
    // Renewals run from the start: taking runs on may outlast a lease's TTL. Rebalancing waits
    // until the join is done.
    this.#joining = true;
    this.#timer = setInterval(() => {
      if (!this.#ticking) this.#tick = this.#run();
    }, options.renewMs);
    try {
      await this.#heartbeat();
      // Alone (or joining): partitions of a process that died lapse within the TTL; wait for
      // them, bounded, so that a restarted owner has taken its runs on when it starts.
      const deadline = Date.now() + options.ttlMs + options.renewMs * 2 + 500;
      while (true) {
        await this.#takeShare();
        if (this.#held.size >= this.#fair || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, Math.min(100, options.renewMs)));
      }
    } catch (e) {
      await this.release();
      throw e;
    } finally {
      this.#joining = false;
    }
  }

  /** The partitions whose lease this process holds (those being given up included). */
  get partitions(): number[] {
    return [...this.#held.keys()].sort((a, b) => a - b);
  }

  /** Live processes sharing the file, this one included, as of the last renewal. */
  get members(): number {
    return this.#members;
  }

  /** Why the last renewal failed, while renewals fail (`undefined` once one succeeds). */
  get renewalError(): Error | undefined {
    return this.#lastError;
  }

  /**
   * Whether this process holds a partition's lease (given up or not).
   *
   * @param partition The partition.
   * @returns `true` when held.
   */
  holds(partition: number): boolean {
    return this.#held.has(partition);
  }

  /**
   * The held lease of a partition (its epoch fences commits).
   *
   * @param partition The partition.
   * @returns The lease, or `undefined`.
   */
  lease(partition: number): HeldLease | undefined {
    return this.#held.get(partition);
  }

  valid(partition: number): boolean {
    return !this.#leaving.has(partition) &&
      Date.now() < (this.#validUntil.get(partition) ?? 0);
  }

  async whenHeld(partition: number): Promise<boolean> {
    while (true) {
      if (this.valid(partition)) return true;
      if (this.#stopped || !this.#held.has(partition) || this.#leaving.has(partition)) {
        return false;
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  /** Whether every held lease surely holds (those being given up aside), and none was lost. */
  allValid(): boolean {
    if (this.#stopped) return false;
    for (const p of this.#held.keys()) {
      if (!this.#leaving.has(p) && !this.valid(p)) return false;
    }
    return true;
  }

  /** A lease was lost: stop renewing and forget them all. */
  drop(): void {
    this.#stop();
    this.#held.clear();
    this.#validUntil.clear();
    this.#wake();
  }

  /** Stops renewing and gives every lease up, so that other processes may take them at once. */
  async release(): Promise<void> {
    this.#stop();
    await this.#tick;
    await this.#rebalancing;
    await this.#locked(() => {
      const held = new Map(this.#held);
      this.#held.clear();
      this.#validUntil.clear();
      this.#wake();
      return releaseLeases(this.#kv, held);
    }).catch(() => {});
    await removeMember(this.#kv, this.#options.ownerId).catch(() => {});
  }

  /** Runs a lease write after the ones before it. */
  #locked<T>(write: () => Promise<T>): Promise<T> {
    const next = this.#writing.then(write, write);
    this.#writing = next.catch(() => {});
    return next;
  }

  #stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #wake(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }

  /** One renewal; the rebalancing of shares goes on beside the renewals, never in their way. */
  async #run(): Promise<void> {
    this.#ticking = true;
    try {
      await this.#renew();
    } catch (e) {
      this.#lastError = e instanceof Error ? e : new Error(String(e));
      this.#options.onError(this.#lastError);
    } finally {
      this.#ticking = false;
    }
    if (
      this.#stopped || this.#joining || this.#options.share === false ||
      this.#rebalancing !== undefined
    ) return;
    this.#rebalancing = this.#rebalance().catch((e) => {
      this.#options.onError(e instanceof Error ? e : new Error(String(e)));
    }).finally(() => this.#rebalancing = undefined);
  }

  async #renew(): Promise<void> {
    const started = Date.now();
    await this.#heartbeat();
    if (this.#held.size === 0) return;
    const { renewed, lost } = await this.#locked(async () => {
      const out = await renewLeases(this.#kv, new Map(this.#held), this.#options.ttlMs);
      // The new versionstamps, before the next lease write (a release) reads them.
      for (const [p, h] of out.renewed) if (this.#held.has(p)) this.#held.set(p, h);
      return out;
    });
    if (this.#stopped) return;
    if (lost.length > 0) {
      this.drop();
      this.#options.onLost(
        new Error(
          `the lease of partition${lost.length === 1 ? "" : "s"} ${
            lost.join(", ")
          } was changed by another process`,
        ),
      );
      return;
    }
    const until = started + this.#options.ttlMs - marginOf(this.#options);
    for (const p of renewed.keys()) if (this.#held.has(p)) this.#validUntil.set(p, until);
    this.#lastError = undefined;
    this.#wake();
  }

  async #heartbeat(): Promise<void> {
    const now = Date.now();
    const member: MemberRecord = {
      ownerId: this.#options.ownerId,
      pid: Deno.pid,
      host: hostname(),
      startedAt: this.#startedAt,
      expiresAt: now + this.#options.ttlMs,
      partitions: this.partitions,
    };
    await writeMember(this.#kv, member);
  }

  /**
   * This process's fair share of the partitions: with `m` live members, `N mod m` of them (the
   * oldest) keep one more than `floor(N / m)`, so that the shares add up to `N` exactly.
   */
  async #fairShare(): Promise<number> {
    const me = { ownerId: this.#options.ownerId, startedAt: this.#startedAt };
    const members = [
      ...(await liveMembers(this.#kv)).filter((m) => m.ownerId !== me.ownerId),
      me,
    ].sort((a, b) => a.startedAt - b.startedAt || (a.ownerId < b.ownerId ? -1 : 1));
    const count = members.length;
    const n = this.#options.partitionCount;
    const rank = members.indexOf(me);
    this.#members = count;
    this.#fair = Math.floor(n / count) + (rank < n % count ? 1 : 0);
    return this.#fair;
  }

  /** Takes free or lapsed partitions up to the fair share. */
  async #takeShare(): Promise<void> {
    const fair = this.#options.share === false
      ? (this.#fair = this.#options.partitionCount)
      : await this.#fairShare();
    const missing = fair - this.#held.size;
    if (missing <= 0) return;
    const wanted: number[] = [];
    for (let p = 0; p < this.#options.partitionCount; p++) {
      if (!this.#held.has(p)) wanted.push(p);
    }
    // Start from a point of its own, so that processes joining together take different ones.
    const offset = Math.abs(hashOf(this.#options.ownerId)) % Math.max(1, wanted.length);
    const order = [...wanted.slice(offset), ...wanted.slice(0, offset)];
    const chosen = await this.#locked(async () => {
      const taken = await takeLeases(this.#kv, {
        ownerId: this.#options.ownerId,
        ttlMs: this.#options.ttlMs,
      }, order);
      const chosen = new Map([...taken].slice(0, missing));
      // Taken beyond the share (another process may want them): give them back at once.
      const extra = new Map([...taken].slice(missing));
      if (extra.size > 0) await releaseLeases(this.#kv, extra);
      for (const [p, h] of chosen) {
        this.#held.set(p, h);
        this.#validUntil.set(
          p,
          h.record.acquiredAt + this.#options.ttlMs - marginOf(this.#options),
        );
      }
      return chosen;
    });
    if (chosen.size === 0) return;
    try {
      await this.#options.onTaken(chosen);
    } catch (e) {
      // Not taken on (recovery failed): give them back for another try, here or elsewhere.
      await this.#locked(() => {
        const held = new Map<number, HeldLease>();
        for (const p of chosen.keys()) {
          const h = this.#held.get(p);
          if (h !== undefined) held.set(p, h);
          this.#held.delete(p);
          this.#validUntil.delete(p);
        }
        return releaseLeases(this.#kv, held);
      }).catch(() => {});
      throw e;
    }
    this.#wake();
  }

  /** Gives partitions up beyond the fair share, or takes more up to it. */
  async #rebalance(): Promise<void> {
    const fair = await this.#fairShare();
    const over = this.#held.size - this.#leaving.size - fair;
    if (over > 0) {
      // The highest partitions go: every process gives the same way, so shares settle.
      const give = this.partitions.filter((p) => !this.#leaving.has(p)).slice(-over);
      for (const p of give) this.#leaving.add(p);
      this.#wake();
      for (const p of give) {
        await this.#options.onGiveUp(p);
        await this.#locked(() => {
          const held = this.#held.get(p);
          this.#held.delete(p);
          this.#validUntil.delete(p);
          this.#leaving.delete(p);
          return held === undefined
            ? Promise.resolve()
            : releaseLeases(this.#kv, new Map([[p, held]]));
        });
      }
      return;
    }
    if (over < 0) await this.#takeShare();
  }
}

function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
