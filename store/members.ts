/**
 * The processes that share a file: each owner writes a small member record on an interval (a
 * heartbeat), so that every owner can count the live ones and hold its fair share of partitions,
 * and `stats` can list who holds what.
 *
 * @module
 */

import { patiently } from "./patient_commit.ts";
import { keys } from "./keys.ts";
import { readLeases } from "./leases.ts";

/** A process that takes part in running a file's partitions. */
export interface MemberRecord {
  /** Random id of its engine. */
  ownerId: string;
  /** Its process id. */
  pid: number;
  /** Its host name. */
  host: string;
  /** When it joined (ms). */
  startedAt: number;
  /** When the record lapses unless written again (ms). */
  expiresAt: number;
  /** The partitions whose lease it held when it wrote the record. */
  partitions: number[];
}

/**
 * Writes a member's record (its heartbeat); KV deletes it some time after it lapses.
 *
 * @param kv The KV handle.
 * @param member The record.
 */
export async function writeMember(kv: Deno.Kv, member: MemberRecord): Promise<void> {
  await patiently(() =>
    kv.set(keys.member(member.ownerId), member, {
      expireIn: Math.max(60_000, member.expiresAt - Date.now()),
    })
  );
}

/**
 * Removes a member's record (it leaves).
 *
 * @param kv The KV handle.
 * @param ownerId Its owner id.
 */
export async function removeMember(kv: Deno.Kv, ownerId: string): Promise<void> {
  await patiently(() => kv.delete(keys.member(ownerId)));
}

/**
 * The members whose records have not lapsed, oldest first.
 *
 * @param kv The KV handle.
 * @returns Their records.
 */
export async function liveMembers(kv: Deno.Kv): Promise<MemberRecord[]> {
  const now = Date.now();
  const out: MemberRecord[] = [];
  for await (const e of kv.list<MemberRecord>({ prefix: keys.memberPrefix() })) {
    if (e.value.expiresAt > now) out.push(e.value);
  }
  return out.sort((a, b) => a.startedAt - b.startedAt || (a.ownerId < b.ownerId ? -1 : 1));
}

/** A process that holds partitions of a file, from its leases (and its member record). */
export interface OwnerProcess {
  /** Random id of its engine. */
  ownerId: string;
  /** Its process id. */
  pid: number;
  /** Its host name. */
  host: string;
  /** Since when it holds its oldest lease (ms). */
  since: number;
  /** The partitions whose live lease it holds. */
  partitions: number[];
}

/**
 * The processes that hold live leases of a file's partitions, by their leases (the truth of
 * who may write), oldest first; a member that holds none yet (it just joined) is listed too.
 *
 * @param kv The KV handle.
 * @param count The file's partition count.
 * @returns The processes.
 */
export async function ownerProcesses(kv: Deno.Kv, count: number): Promise<OwnerProcess[]> {
  const leases = await readLeases(kv, Array.from({ length: count }, (_, p) => p));
  const by = new Map<string, OwnerProcess>();
  for (const [p, lease] of leases) {
    if (lease === undefined) continue;
    const o = by.get(lease.ownerId) ??
      {
        ownerId: lease.ownerId,
        pid: lease.pid,
        host: lease.host,
        since: lease.acquiredAt,
        partitions: [],
      };
    o.partitions.push(p);
    o.since = Math.min(o.since, lease.acquiredAt);
    by.set(lease.ownerId, o);
  }
  for (const m of await liveMembers(kv)) {
    if (!by.has(m.ownerId)) {
      by.set(m.ownerId, {
        ownerId: m.ownerId,
        pid: m.pid,
        host: m.host,
        since: m.startedAt,
        partitions: [],
      });
    }
  }
  return [...by.values()].sort((a, b) => a.since - b.since);
}
