/**
 * Partitions: a file's runs are spread over a fixed number of partitions by a hash of their id;
 * each partition has its own owner lease and fencing epoch, so several processes share a file by
 * owning different partitions. The count is fixed when the file is created (stored beside the
 * schema version); a file from before partitions gets the default when it is first opened.
 *
 * @module
 */

import { keys } from "./keys.ts";
import { commitPatiently } from "./patient_commit.ts";

/** Partitions of a new file. */
export const DEFAULT_PARTITIONS = 16;

/** Most partitions a file may have (an atomic operation checks at most 100 epochs). */
export const MAX_PARTITIONS = 64;

/**
 * The partition of a run: a hash of its id (FNV-1a over UTF-16 code units) modulo the count.
 *
 * @param workflowId The run's id.
 * @param count The file's partition count.
 * @returns A partition, from 0 to `count - 1`.
 * @example
 * ```ts
 * import { partitionOf } from "./partitions.ts";
 * console.assert(partitionOf("order-1", 16) === partitionOf("order-1", 16));
 * ```
 */
export function partitionOf(workflowId: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < workflowId.length; i++) {
    h ^= workflowId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}

/**
 * Reads the file's partition count, writing the default on a file that has none (a new file, or
 * one from before partitions: its runs then spread by hash like any others).
 *
 * @param kv The KV handle.
 * @param count The count to write on a file that has none.
 * @returns The file's count.
 */
export async function ensurePartitionCount(
  kv: Deno.Kv,
  count: number = DEFAULT_PARTITIONS,
): Promise<number> {
  const entry = await kv.get<number>(keys.partitions());
  if (typeof entry.value === "number" && Number.isSafeInteger(entry.value) && entry.value > 0) {
    return entry.value;
  }
  const res = await commitPatiently(kv.atomic().check(entry).set(keys.partitions(), count));
  if (!res.ok) return ensurePartitionCount(kv, count);
  return count;
}

/**
 * Reads the file's partition count without writing it.
 *
 * @param kv The KV handle.
 * @returns The count, or the default when the file has none yet.
 */
export async function readPartitionCount(kv: Deno.Kv): Promise<number> {
  const value = (await kv.get<number>(keys.partitions())).value;
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0
    ? value
    : DEFAULT_PARTITIONS;
}
