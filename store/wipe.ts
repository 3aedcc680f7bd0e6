/**
 * Empties a KV file of Loom's records (`loom clean`), keeping what identifies the file: its
 * schema version and the owner lease and epoch keys.
 *
 * @module
 */

import { type Key, keys } from "./keys.ts";
import { commitPatiently } from "./patient_commit.ts";

const KEPT = new Set<unknown>([
  keys.schemaVersion()[0],
  keys.lease(0)[0],
  keys.epoch(0)[0],
]);

/**
 * Deletes every record but the schema version, the owner lease and the owner epoch, in batches
 * of atomic deletes.
 *
 * @param kv The KV handle (hold the owner lease while calling it, so no owner starts meanwhile).
 * @returns How many keys were deleted.
 */
export async function wipeRecords(kv: Deno.Kv): Promise<number> {
  let deleted = 0;
  let batch: Key[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const op = kv.atomic();
    for (const key of batch) op.delete(key);
    await commitPatiently(op);
    deleted += batch.length;
    batch = [];
  };
  for await (const e of kv.list({ prefix: [] }, { batchSize: 500 })) {
    if (KEPT.has(e.key[0])) continue;
    batch.push(e.key);
    if (batch.length >= 200) await flush();
  }
  await flush();
  return deleted;
}
