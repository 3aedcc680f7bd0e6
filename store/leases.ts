/**
 * The owner leases of many partitions at once: taking the free or lapsed ones, renewing all
 * those held in one atomic operation, releasing some, and finding which were taken over when a
 * renewal fails. A process that shares a file holds the leases of the partitions it runs.
 *
 * @module
 */

import { type HeldLease, LeaseHeld } from "./lease.ts";
import { commitPatiently } from "./patient_commit.ts";
import { keys } from "./keys.ts";
import type { LeaseRecord } from "./records.ts";

/** Who takes leases. */
export interface LeaseOwner {
  /** Random id of the engine. */
  ownerId: string;
  /** Lifetime of a lease without renewal (ms). */
  ttlMs: number;
}

/** Keys one `getMany` reads at most. */
const MAX_GET = 10;
/** Partitions read per `getMany` (two keys each: the lease and its epoch). */
const PER_READ = MAX_GET / 2;
/** Partitions renewed or taken per atomic operation (two writes and one or two checks each). */
const PER_OP = 32;

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown host";
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Reads the leases of partitions (a lapsed one reads as free).
 *
 * @param kv The KV handle.
 * @param partitions The partitions.
 * @returns Each partition's live lease, or `undefined` when it is free.
 */
export async function readLeases(
  kv: Deno.Kv,
  partitions: number[],
): Promise<Map<number, LeaseRecord | undefined>> {
  const out = new Map<number, LeaseRecord | undefined>();
  const now = Date.now();
  for (const group of chunk(partitions, MAX_GET)) {
    const entries = await kv.getMany<LeaseRecord[]>(group.map((p) => keys.lease(p)));
    group.forEach((p, i) => {
      const value = entries[i]?.value ?? null;
      out.set(p, value === null || value.expiresAt <= now ? undefined : value);
    });
  }
  return out;
}

/**
 * Takes the leases of the partitions among `wanted` that are free or lapsed, each with a new
 * epoch. Partitions a live owner holds (this one included) are left.
 *
 * @param kv The KV handle.
 * @param owner Who takes them.
 * @param wanted The partitions to try.
 * @returns The leases taken.
 */
export async function takeLeases(
  kv: Deno.Kv,
  owner: LeaseOwner,
  wanted: number[],
): Promise<Map<number, HeldLease>> {
  const taken = new Map<number, HeldLease>();
  for (const group of chunk(wanted, PER_READ)) {
    const entries = await kv.getMany<(LeaseRecord | { epoch: number })[]>(
      group.flatMap((p) => [keys.lease(p), keys.epoch(p)]),
    );
    const now = Date.now();
    const free: {
      p: number;
      lease: Deno.KvEntryMaybe<unknown>;
      epoch: Deno.KvEntryMaybe<unknown>;
    }[] = [];
    group.forEach((p, i) => {
      const lease = entries[2 * i] as Deno.KvEntryMaybe<LeaseRecord>;
      const epoch = entries[2 * i + 1] as Deno.KvEntryMaybe<{ epoch: number }>;
      const holder = lease.value;
      if (holder === null || holder.expiresAt <= now) {
        free.push({ p, lease, epoch });
      }
    });
    if (free.length === 0) continue;
    // One atomic operation for the group: if another process took one meanwhile, nothing lands,
    // and the partitions are tried one by one instead.
    const attempt = async (items: typeof free): Promise<boolean> => {
      const op = kv.atomic();
      const records = new Map<number, LeaseRecord>();
      for (const { p, lease, epoch } of items) {
        const record: LeaseRecord = {
          ownerId: owner.ownerId,
          pid: Deno.pid,
          host: hostname(),
          epoch: ((epoch.value as { epoch?: number } | null)?.epoch ?? 0) + 1,
          acquiredAt: now,
          expiresAt: now + owner.ttlMs,
        };
        records.set(p, record);
        op.check(lease, epoch)
          .set(keys.lease(p), record)
          .set(keys.epoch(p), { epoch: record.epoch, ownerId: owner.ownerId });
      }
      const res = await commitPatiently(op);
      if (!res.ok) return false;
      for (const [p, record] of records) {
        taken.set(p, {
          record,
          versionstamp: res.versionstamp,
          epochVersionstamp: res.versionstamp,
        });
      }
      return true;
    };
    if (await attempt(free) || free.length === 1) continue;
    for (const one of free) await attempt([one]);
  }
  return taken;
}

/**
 * Renews held leases, as few atomic operations as it takes; a lease another owner changed is
 * reported lost and left out.
 *
 * @param kv The KV handle.
 * @param held The leases, by partition.
 * @param ttlMs Their new lifetime.
 * @returns The renewed leases, and the partitions found taken over.
 */
export async function renewLeases(
  kv: Deno.Kv,
  held: Map<number, HeldLease>,
  ttlMs: number,
): Promise<{ renewed: Map<number, HeldLease>; lost: number[] }> {
  const renewed = new Map<number, HeldLease>();
  const lost: number[] = [];
  const expiresAt = Date.now() + ttlMs;
  const renew = async (group: number[]): Promise<boolean> => {
    const op = kv.atomic();
    for (const p of group) {
      const h = held.get(p) as HeldLease;
      op.check({ key: keys.lease(p), versionstamp: h.versionstamp })
        .set(keys.lease(p), { ...h.record, expiresAt });
    }
    const res = await commitPatiently(op);
    if (!res.ok) return false;
    for (const p of group) {
      const h = held.get(p) as HeldLease;
      renewed.set(p, { ...h, record: { ...h.record, expiresAt }, versionstamp: res.versionstamp });
    }
    return true;
  };
  for (const group of chunk([...held.keys()], PER_OP)) {
    if (await renew(group)) continue;
    // Some lease changed: find which, and renew the others.
    const still: number[] = [];
    for (const part of chunk(group, MAX_GET)) {
      const current = await kv.getMany<LeaseRecord[]>(part.map((p) => keys.lease(p)));
      part.forEach((p, i) => {
        if (current[i]?.versionstamp === held.get(p)?.versionstamp) still.push(p);
        else lost.push(p);
      });
    }
    if (still.length > 0 && !await renew(still)) {
      // Changed again in between: leave them to the next renewal, which finds out.
      for (const p of still) renewed.set(p, held.get(p) as HeldLease);
    }
  }
  return { renewed, lost };
}

/**
 * Gives leases up, so that another process may take them at once (a lease changed meanwhile is
 * left as it is).
 *
 * @param kv The KV handle.
 * @param held The leases to give up, by partition.
 */
export async function releaseLeases(kv: Deno.Kv, held: Map<number, HeldLease>): Promise<void> {
  for (const [p, h] of held) {
    await commitPatiently(
      kv.atomic()
        .check({ key: keys.lease(p), versionstamp: h.versionstamp })
        .delete(keys.lease(p)),
    );
  }
}

/**
 * Takes the leases of all partitions, for work that needs the whole file to itself (a schema
 * migration, `loom clean`): waits, bounded, for leases whose holder died to lapse, and gives up
 * when a live holder renews one.
 *
 * @param kv The KV handle.
 * @param owner Who takes them, with how often a live holder would renew (to tell it is alive).
 * @param count The file's partition count.
 * @param where Name of the file, for the error.
 * @returns The leases, by partition.
 * @throws {LeaseHeld} When a live process holds one (those taken are given back).
 */
export async function acquireAllLeases(
  kv: Deno.Kv,
  owner: LeaseOwner & { renewMs: number },
  count: number,
  where: string,
): Promise<Map<number, HeldLease>> {
  const held = new Map<number, HeldLease>();
  const seen = new Map<number, string>();
  const deadline = Date.now() + owner.ttlMs + owner.renewMs * 2 + 500;
  const all = Array.from({ length: count }, (_, p) => p);
  while (true) {
    const missing = all.filter((p) => !held.has(p));
    for (const [p, h] of await takeLeases(kv, owner, missing)) held.set(p, h);
    if (held.size === count) return held;
    const left = all.filter((p) => !held.has(p));
    const entries: Deno.KvEntryMaybe<LeaseRecord>[] = [];
    for (const part of chunk(left, MAX_GET)) {
      entries.push(...await kv.getMany<LeaseRecord[]>(part.map((p) => keys.lease(p))));
    }
    let wait = owner.renewMs + 50;
    for (let i = 0; i < left.length; i++) {
      const e = entries[i] as Deno.KvEntryMaybe<LeaseRecord>;
      const p = left[i] as number;
      if (e.value === null || e.versionstamp === null) continue;
      const before = seen.get(p);
      if ((before !== undefined && before !== e.versionstamp) || Date.now() > deadline) {
        await releaseLeases(kv, held).catch(() => {});
        throw new LeaseHeld(e.value, where);
      }
      seen.set(p, e.versionstamp);
      wait = Math.min(wait, Math.max(e.value.expiresAt - Date.now() + 5, 20));
    }
    await new Promise((r) => setTimeout(r, wait));
  }
}

/**
 * Adds to an atomic operation the checks that the epochs of held leases are unchanged (nobody
 * took one over).
 *
 * @param op The operation.
 * @param held The leases, by partition.
 * @returns The operation.
 */
export function checkEpochs(
  op: Deno.AtomicOperation,
  held: Map<number, HeldLease>,
): Deno.AtomicOperation {
  for (const [p, h] of held) op.check({ key: keys.epoch(p), versionstamp: h.epochVersionstamp });
  return op;
}
