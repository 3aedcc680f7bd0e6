/**
 * Starting a run from any process: its record, indexes and input are written at once
 * (create-if-absent on the record key), with a pending-start marker that the owner of the run's
 * partition reads; the owner then delivers `WORKFLOW_STARTED` in the run's first transition,
 * which removes the marker. A process that does not own the file starts runs this way, and so
 * they are accepted durably even while no process owns it.
 *
 * @module
 */

import { encodeValue, RECORD_INLINE_LIMIT } from "./chunks.ts";
import { counterSums } from "./counters.ts";
import { commitPatiently, patiently } from "./patient_commit.ts";
import { WriteIds } from "./write_ids.ts";
import { keys } from "./keys.ts";
import type { WorkflowRecord } from "./records.ts";

/** Largest input whose chunks are written in the same atomic operation as the record. */
const ATOMIC_CHUNK_BYTES = 600_000;

/**
 * Writes a new run's record, its indexes, its input, its pending-start marker and its counts,
 * unless a run with its id exists.
 *
 * @param kv The KV handle.
 * @param record The record (status `RUNNING`, no entries); its `input` is filled in here.
 * @param input The run's input (a JSON value).
 * @returns `true` when this call created the run, `false` when the id existed.
 */
export async function createRun(
  kv: Deno.Kv,
  record: WorkflowRecord,
  input: unknown,
): Promise<boolean> {
  const id = record.id;
  // A write id of no lease (epoch 0, a random count): it never repeats.
  const encoded = encodeValue(input ?? null, id, () => new WriteIds().next(), RECORD_INLINE_LIMIT);
  const chunks = encoded.blob?.chunks ?? [];
  const bytes = chunks.reduce((n, [, b]) => n + b.length, 0);
  const op = kv.atomic().check({ key: keys.workflow(id), versionstamp: null });
  if (bytes <= ATOMIC_CHUNK_BYTES) {
    // Most inputs: the chunks land with the record, or not at all.
    for (const [key, value] of chunks) op.set(key, value);
  } else {
    // A very large input: its chunks land first. A crash before the record lands leaves them
    // unreferenced (space, never a wrong read: the write id is this write's alone).
    for (const [key, value] of chunks) {
      if ((await kv.get(keys.workflow(id))).value !== null) return false;
      await patiently(() => kv.set(key, value));
    }
  }
  const stored: WorkflowRecord = { ...record, input: encoded.stored };
  // The run's status and start are counted with its record (`counters.ts`).
  const change = { created: true, status: record.status, name: record.name, at: record.createdAt };
  for (const s of counterSums({ ...change, createdAt: record.createdAt })) op.sum(s.key, s.n);
  const res = await commitPatiently(
    op
      .set(keys.workflow(id), stored)
      .set(keys.byName(record.name, record.createdAt, id), null)
      .set(keys.byTime(record.createdAt, id), null)
      .set(keys.byStatus(record.status, record.createdAt, id), null)
      .set(keys.pending(record.partition, record.createdAt, id), null),
  );
  return res.ok;
}

/**
 * The pending-start markers of a partition, oldest first: runs started outside its owner, not
 * yet started by it.
 *
 * @param kv The KV handle.
 * @param partition The partition.
 * @param limit How many.
 * @returns Run ids with their markers' keys.
 */
export async function readPending(
  kv: Deno.Kv,
  partition: number,
  limit = 100,
): Promise<{ key: Deno.KvKey; workflowId: string }[]> {
  const out: { key: Deno.KvKey; workflowId: string }[] = [];
  for await (const e of kv.list<null>({ prefix: keys.pendingPrefix(partition) }, { limit })) {
    out.push({ key: e.key, workflowId: e.key[3] as string });
  }
  return out;
}
