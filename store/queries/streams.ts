/**
 * A run's stream read back: its values are events of its history (`STREAM_APPENDED`), found
 * through the stream's index (`["stream", run, name, first]`: which history entry holds the
 * values from `first` on), so that a read from a position costs two index reads and one read per
 * history entry, however long the stream.
 *
 * @module
 */

import { keys } from "../keys.ts";
import type { StreamIndexEntry } from "../records.ts";
import { decodeHistory, type StoredHistory } from "./history.ts";

/** One value of a stream. */
export interface StreamValue {
  /** Its position in the stream, from 0. */
  index: number;
  /** The value (JSON). */
  value: unknown;
  /** When it was written (ms). */
  time: number;
}

type IndexValue = Omit<StreamIndexEntry, "name" | "first">;

/**
 * Reads the values of a run's stream after a position.
 *
 * @param kv The KV handle.
 * @param workflowId The run.
 * @param name The stream.
 * @param after The last index the reader has (`-1` for all).
 * @param limit Most values returned.
 * @returns The values, in order.
 * @throws {DamagedData} When a history entry cannot be read.
 */
export async function readStream(
  kv: Deno.Kv,
  workflowId: string,
  name: string,
  after = -1,
  limit = 1000,
): Promise<StreamValue[]> {
  const prefix = keys.streamPrefix(workflowId, name);
  const from = Math.max(0, Math.floor(after) + 1);
  // The index entry that holds `from`: the last one that starts at or before it.
  let start = from;
  const before = kv.list<IndexValue>({ prefix, end: [...prefix, from + 1] }, {
    reverse: true,
    limit: 1,
  });
  for await (const e of before) start = e.key.at(-1) as number;
  const out: StreamValue[] = [];
  for await (const e of kv.list<IndexValue>({ prefix, start: [...prefix, start] })) {
    const first = e.key.at(-1) as number;
    if (first + e.value.count <= from) continue;
    const stored = await kv.get<StoredHistory>(keys.history(workflowId, e.value.r));
    if (stored.value === null) continue;
    const entry = await decodeHistory(kv, workflowId, stored.value);
    for (const event of entry.events as { type: string; payload: Record<string, unknown> }[]) {
      if (event.type !== "STREAM_APPENDED" || event.payload.name !== name) continue;
      const index = event.payload.index as number;
      if (index < from) continue;
      out.push({ index, value: event.payload.value, time: entry.time });
      if (out.length >= limit) return out;
    }
  }
  return out;
}
