/**
 * Migration of a file of schema version 2 to version 3 (partitions). Version 2 had one owner
 * lease (partition 0) and one inbox and one list of pending starts for the whole file; version 3
 * spreads runs over partitions (`partitions.ts`), each with its own lease, inbox
 * (`["inbox", partition, …]`) and pending starts (`["pending", partition, …]`). The migration
 * writes the partition count, moves the waiting inbox requests and pending-start markers under
 * their run's partition, and writes the new version; it holds every partition's lease meanwhile,
 * so that no owner (of either version) writes. Each step can be cut short by a crash and run
 * again. Run records keep the partition they were written with; an owner takes a run's
 * partition from its id.
 *
 * @module
 */

import type { Mutation } from "./commit.ts";
import { keys } from "./keys.ts";
import { commitPatiently } from "./patient_commit.ts";
import { acquireAllLeases, checkEpochs, releaseLeases } from "./leases.ts";
import type { HeldLease } from "./lease.ts";
import { ensurePartitionCount, partitionOf } from "./partitions.ts";
import type { InboxRequest } from "./records.ts";

const TTL_MS = 30_000;

async function commitFenced(
  kv: Deno.Kv,
  held: Map<number, HeldLease>,
  mutations: Mutation[],
): Promise<void> {
  for (let i = 0; i < mutations.length || i === 0; i += 200) {
    const op = checkEpochs(kv.atomic(), held);
    for (const m of mutations.slice(i, i + 200)) {
      if (m.kind === "set") op.set(m.key, m.value);
      else if (m.kind === "delete") op.delete(m.key);
    }
    const res = await commitPatiently(op);
    if (!res.ok) throw new Error("An owner lease was taken over during the schema migration");
  }
}

/**
 * Migrates a file of schema version 2 to version 3 and writes the new version.
 *
 * @param kv The KV handle.
 * @param where Name of the file, for errors.
 * @param version The version the migration leads to.
 * @returns How many inbox requests and pending starts moved.
 * @throws {LeaseHeld} When a live process owns (part of) the file.
 */
export async function migrateV2(
  kv: Deno.Kv,
  where: string,
  version: number,
): Promise<{ moved: number }> {
  const count = await ensurePartitionCount(kv);
  const held = await acquireAllLeases(
    kv,
    {
      ownerId: `migration-${crypto.randomUUID()}`,
      ttlMs: TTL_MS,
      renewMs: 250,
    },
    count,
    where,
  );
  try {
    const moves: Mutation[] = [];
    // Version 2 keys: ["inbox", createdAt, requestId] and ["pending", createdAt, workflowId].
    for await (const e of kv.list<InboxRequest>({ prefix: keys.inboxPrefix() })) {
      if (e.key.length !== 3) continue;
      const [, createdAt, id] = e.key as [string, number, string];
      const p = partitionOf(String(e.value?.workflowId ?? ""), count);
      moves.push({ kind: "set", key: keys.inbox(p, createdAt, id), value: e.value });
      moves.push({ kind: "delete", key: e.key });
    }
    for await (const e of kv.list<null>({ prefix: keys.pendingPrefix() })) {
      if (e.key.length !== 3) continue;
      const [, createdAt, id] = e.key as [string, number, string];
      moves.push({
        kind: "set",
        key: keys.pending(partitionOf(id, count), createdAt, id),
        value: null,
      });
      moves.push({ kind: "delete", key: e.key });
    }
    // A request and its deletion stay in one operation (pairs, 200 writes per operation).
    await commitFenced(kv, held, moves);
    await commitFenced(kv, held, [{ kind: "set", key: keys.schemaVersion(), value: version }]);
    return { moved: moves.length / 2 };
  } finally {
    await releaseLeases(kv, held).catch(() => {});
  }
}
