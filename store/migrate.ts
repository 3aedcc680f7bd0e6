/**
 * Migration of a file of schema version 1 to version 2. Version 1 keyed a large value's chunks
 * by the value's name within its run (`["blob", id, "input" | "result" | "h<r>", i]`), so a
 * write whose record never landed could leave chunks that a later write of the same name was
 * read together with. Version 2 keys them by a write id that the reference names (see
 * `chunks.ts`). The migration copies every chunked value of version 1 to a new write id (read
 * by index, exactly as many chunks and bytes as its reference names, which also recovers the
 * values that version 1 read wrongly), points the reference at it, and removes the old chunks.
 *
 * It holds the owner lease while it runs, so that no owner writes meanwhile; each of its steps
 * can be cut short by a crash and run again.
 *
 * @module
 */

import { decodeValue, encodeText, isStoredValue } from "./chunks.ts";
import { chunkWrites } from "./blob_writes.ts";
import type { Mutation } from "./commit.ts";
import { DamagedData } from "./damaged_data.ts";
import { type Key, keys } from "./keys.ts";
import { commitPatiently } from "./patient_commit.ts";
import { acquireLease, type HeldLease, LeaseHeld, releaseLease, renewLease } from "./lease.ts";
import type { StoredValue } from "./records.ts";
import { epochOf } from "./write_ids.ts";

const PARTITION = 0;
const TTL_MS = 10_000;

/** What a migration did. */
export interface MigrationReport {
  /** Runs whose chunked values were moved to write ids. */
  runs: number;
  /** Values moved. */
  values: number;
  /** Old chunk keys removed (the moved values' and orphans'). */
  removed: number;
  /** Values left as they were because they cannot be read (they stay unreadable). */
  damaged: DamagedData[];
}

/** A run's keys and values that reference chunks, as stored. */
interface Referrer {
  key: Key;
  value: Record<string, unknown>;
  /** The field that holds the reference (`input`, `result` or `blob`). */
  field: string;
  part: string;
}

function isLegacy(ref: unknown): ref is { blob: string; chunks: number; bytes: number } {
  return isStoredValue(ref) && "blob" in ref && epochOf(ref.blob) === undefined;
}

async function commitFenced(
  kv: Deno.Kv,
  lease: HeldLease,
  mutations: Mutation[],
): Promise<void> {
  const op = kv.atomic().check({
    key: keys.epoch(PARTITION),
    versionstamp: lease.epochVersionstamp,
  });
  for (const m of mutations) {
    if (m.kind === "set") op.set(m.key, m.value);
    else if (m.kind === "delete") op.delete(m.key);
  }
  const res = await commitPatiently(op);
  if (!res.ok) throw new Error("The owner lease was taken over during the schema migration");
}

async function commitAll(kv: Deno.Kv, lease: HeldLease, mutations: Mutation[]): Promise<void> {
  let op: Mutation[] = [];
  let bytes = 0;
  for (const m of mutations) {
    const size = m.kind === "set" && m.value instanceof Uint8Array ? m.value.length : 200;
    if (op.length > 0 && (op.length >= 200 || bytes + size > 600_000)) {
      await commitFenced(kv, lease, op);
      op = [];
      bytes = 0;
    }
    op.push(m);
    bytes += size;
  }
  if (op.length > 0) await commitFenced(kv, lease, op);
}

/** The run ids with chunks of version 1, and those chunk keys. */
async function legacyChunks(kv: Deno.Kv): Promise<Map<string, Key[]>> {
  const out = new Map<string, Key[]>();
  for await (const e of kv.list({ prefix: ["blob"] }, { batchSize: 100 })) {
    const [, id, name] = e.key;
    if (typeof id !== "string" || typeof name !== "string" || epochOf(name) !== undefined) {
      continue;
    }
    const list = out.get(id) ?? [];
    list.push(e.key);
    out.set(id, list);
  }
  return out;
}

/** The run's record and history entries that hold a reference of version 1. */
async function referrers(kv: Deno.Kv, id: string): Promise<Referrer[]> {
  const out: Referrer[] = [];
  const record = await kv.get<Record<string, unknown>>(keys.workflow(id));
  if (typeof record.value === "object" && record.value !== null) {
    for (const field of ["input", "result"]) {
      if (isLegacy(record.value[field])) {
        out.push({ key: record.key, value: record.value, field, part: field });
      }
    }
  }
  for await (const e of kv.list<Record<string, unknown>>({ prefix: keys.historyPrefix(id) })) {
    if (typeof e.value === "object" && e.value !== null && isLegacy(e.value.blob)) {
      out.push({
        key: e.key,
        value: e.value,
        field: "blob",
        part: `history entry ${String(e.key[2])}`,
      });
    }
  }
  return out;
}

/** Moves one run's chunked values to write ids; returns how many moved, and what is damaged. */
async function migrateRun(
  kv: Deno.Kv,
  lease: HeldLease,
  id: string,
  oldKeys: Key[],
  writeId: () => string,
): Promise<{ moved: number; removed: number; damaged: DamagedData[] }> {
  const damaged: DamagedData[] = [];
  const keep = new Set<string>();
  const updates = new Map<string, { key: Key; value: Record<string, unknown> }>();
  const chunks: Mutation[] = [];
  const done: Mutation[] = [];
  for (const ref of await referrers(kv, id)) {
    const old = ref.value[ref.field] as StoredValue & { blob: string };
    let value: unknown;
    try {
      value = await decodeValue(kv, id, old, ref.part);
    } catch (e) {
      if (!(e instanceof DamagedData)) throw e;
      damaged.push(e);
      keep.add(old.blob);
      continue;
    }
    const enc = encodeText(JSON.stringify(value), id, writeId());
    if (enc.blob === undefined) continue;
    chunks.push(...chunkWrites(id, [enc.blob], true));
    done.push({ kind: "delete", key: keys.pendingBlob(id, enc.blob.writeId) });
    const k = JSON.stringify(ref.key);
    const target = updates.get(k) ?? { key: ref.key, value: { ...ref.value } };
    target.value[ref.field] = enc.stored;
    updates.set(k, target);
  }
  await commitAll(kv, lease, chunks);
  // The references move to the new chunks in one operation, with their pending-blob keys.
  const switched: Mutation[] = [...done];
  for (const u of updates.values()) switched.push({ kind: "set", key: u.key, value: u.value });
  if (switched.length > 0) await commitFenced(kv, lease, switched);
  const stale = oldKeys.filter((k) => !keep.has(k[2] as string));
  await commitAll(kv, lease, stale.map((key): Mutation => ({ kind: "delete", key })));
  return { moved: done.length, removed: stale.length, damaged };
}

/**
 * Migrates a file of schema version 1 to version 2 and writes the new version, holding the
 * owner lease meanwhile.
 *
 * @param kv The KV handle.
 * @param where Name of the file, for errors.
 * @param version The version the migration leads to.
 * @returns What it did.
 * @throws {LeaseHeld} When a live process owns the file.
 */
export async function migrateV1(
  kv: Deno.Kv,
  where: string,
  version: number,
): Promise<MigrationReport> {
  let lease = await acquireLease(kv, {
    ownerId: `migration-${crypto.randomUUID()}`,
    partition: PARTITION,
    ttlMs: TTL_MS,
    renewMs: TTL_MS / 4,
  }, where);
  const report: MigrationReport = { runs: 0, values: 0, removed: 0, damaged: [] };
  try {
    let n = 0;
    const writeId = () => `${lease.record.epoch}.${++n}`;
    for (const [id, oldKeys] of await legacyChunks(kv)) {
      if (lease.record.expiresAt - Date.now() < TTL_MS / 2) {
        const renewed = await renewLease(kv, lease, TTL_MS, PARTITION);
        if (renewed === undefined) throw new LeaseHeld(lease.record, where);
        lease = renewed;
      }
      const r = await migrateRun(kv, lease, id, oldKeys, writeId);
      report.runs++;
      report.values += r.moved;
      report.removed += r.removed;
      report.damaged.push(...r.damaged);
    }
    await commitFenced(kv, lease, [{ kind: "set", key: keys.schemaVersion(), value: version }]);
  } finally {
    await releaseLease(kv, lease, PARTITION).catch(() => {});
  }
  return report;
}
