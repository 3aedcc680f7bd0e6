/**
 * The owner lease: one process at a time owns a partition of a KV file. The owner renews the
 * lease; another process takes over only once it lapses. Taking over bumps an epoch key that
 * every commit of the owner checks, so a paused owner that lost its lease cannot write.
 *
 * @module
 */

import { keys } from "./keys.ts";
import { commitPatiently } from "./patient_commit.ts";
import type { LeaseRecord } from "./records.ts";

/** Who asks for the lease. */
export interface LeaseClaim {
  /** Random id of the engine. */
  ownerId: string;
  /** Partition. */
  partition: number;
  /** Lifetime of the lease without renewal (ms). */
  ttlMs: number;
  /** How often the owner renews (ms). */
  renewMs: number;
}

/** A held lease. */
export interface HeldLease {
  /** The lease as written. */
  record: LeaseRecord;
  /** Versionstamp of the lease key (changes on renewal). */
  versionstamp: string;
  /** Versionstamp of the epoch key (changes only on change of owner). */
  epochVersionstamp: string;
}

/** The lease is held by another live process. */
export class LeaseHeld extends Error {
  /** The holder. */
  readonly holder: LeaseRecord;
  /**
   * Creates the error.
   *
   * @param holder The holder.
   * @param where Name of the file.
   */
  constructor(holder: LeaseRecord, where: string) {
    super(
      `KV file ${where} is owned by another live Loom process (pid ${holder.pid} on ${holder.host}, owner since ${
        new Date(holder.acquiredAt).toISOString()
      }): use its HTTP API or inbox, or stop it first`,
    );
    this.name = "LeaseHeld";
    this.holder = holder;
  }
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown host";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the lease of a partition: at once when it is free or lapsed, after it lapses when its
 * holder has died, or not at all when its holder is alive (it renews while we watch).
 *
 * @param kv The KV handle.
 * @param claim Who asks, and the lease timings.
 * @param where Name of the file, for the error.
 * @returns The held lease.
 * @throws {LeaseHeld} When a live process holds it.
 */
export async function acquireLease(
  kv: Deno.Kv,
  claim: LeaseClaim,
  where: string,
): Promise<HeldLease> {
  const key = keys.lease(claim.partition);
  let seen: string | null | undefined;
  const deadline = Date.now() + claim.ttlMs + claim.renewMs * 2 + 500;
  while (true) {
    const [lease, epoch] = await kv.getMany<[LeaseRecord, { epoch: number }]>([
      key,
      keys.epoch(claim.partition),
    ]);
    const now = Date.now();
    const holder = lease.value;
    if (holder === null || holder.expiresAt <= now || holder.ownerId === claim.ownerId) {
      const record: LeaseRecord = {
        ownerId: claim.ownerId,
        pid: Deno.pid,
        host: hostname(),
        epoch: (epoch.value?.epoch ?? 0) + 1,
        acquiredAt: now,
        expiresAt: now + claim.ttlMs,
      };
      const res = await commitPatiently(
        kv.atomic()
          .check(lease, epoch)
          .set(key, record)
          .set(keys.epoch(claim.partition), { epoch: record.epoch, ownerId: claim.ownerId }),
      );
      if (res.ok) {
        return { record, versionstamp: res.versionstamp, epochVersionstamp: res.versionstamp };
      }
      continue;
    }
    if (seen !== undefined && seen !== lease.versionstamp) throw new LeaseHeld(holder, where);
    if (Date.now() > deadline) throw new LeaseHeld(holder, where);
    seen = lease.versionstamp;
    await sleep(Math.min(Math.max(holder.expiresAt - now + 5, 20), claim.renewMs + 50));
  }
}

/**
 * Renews a held lease.
 *
 * @param kv The KV handle.
 * @param held The lease.
 * @param ttlMs New lifetime.
 * @returns The renewed lease, or `undefined` when it was lost to another owner.
 */
export async function renewLease(
  kv: Deno.Kv,
  held: HeldLease,
  ttlMs: number,
  partition: number,
): Promise<HeldLease | undefined> {
  const record = { ...held.record, expiresAt: Date.now() + ttlMs };
  const res = await commitPatiently(
    kv.atomic()
      .check({ key: keys.lease(partition), versionstamp: held.versionstamp })
      .set(keys.lease(partition), record),
  );
  if (!res.ok) return undefined;
  return { ...held, record, versionstamp: res.versionstamp };
}

/**
 * Gives a lease up so that the next owner can start at once.
 *
 * @param kv The KV handle.
 * @param held The lease.
 * @param partition Partition.
 */
export async function releaseLease(kv: Deno.Kv, held: HeldLease, partition: number): Promise<void> {
  await commitPatiently(
    kv.atomic()
      .check({ key: keys.lease(partition), versionstamp: held.versionstamp })
      .delete(keys.lease(partition)),
  );
}

/**
 * Reads who holds a partition's lease.
 *
 * @param kv The KV handle.
 * @param partition Partition.
 * @returns The lease, or `undefined` when it is free or lapsed.
 */
export async function readLease(kv: Deno.Kv, partition: number): Promise<LeaseRecord | undefined> {
  const entry = await kv.get<LeaseRecord>(keys.lease(partition));
  if (entry.value === null || entry.value.expiresAt <= Date.now()) return undefined;
  return entry.value;
}
