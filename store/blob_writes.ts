/**
 * The writes of chunked values (`chunks.ts`): a value's chunks with its pending-blob key, and
 * their removal. Pure: mutations out, no KV.
 *
 * @module
 */

import type { ChunkedValue } from "./chunks.ts";
import type { Mutation } from "./commit.ts";
import { keys } from "./keys.ts";

/**
 * The writes of a transition's chunked values: each value's chunks, preceded by its
 * pending-blob key when the chunks land before the transition (`separate`).
 *
 * @param workflowId The run.
 * @param blobs Its chunked values.
 * @param separate Whether the chunks land in operations of their own.
 * @returns The writes.
 */
export function chunkWrites(
  workflowId: string,
  blobs: ChunkedValue[],
  separate: boolean,
): Mutation[] {
  const out: Mutation[] = [];
  for (const b of blobs) {
    if (separate) {
      out.push({
        kind: "set",
        key: keys.pendingBlob(workflowId, b.writeId),
        value: { chunks: b.chunks.length },
      });
    }
    for (const [key, value] of b.chunks) out.push({ kind: "set", key, value });
  }
  return out;
}

/**
 * The writes that remove chunked values (and their pending-blob keys).
 *
 * @param workflowId The run.
 * @param blobs The values, by write id and number of chunks.
 * @returns The deletes.
 */
export function blobDeletes(
  workflowId: string,
  blobs: { writeId: string; chunks: number }[],
): Mutation[] {
  const out: Mutation[] = [];
  for (const b of blobs) {
    out.push({ kind: "delete", key: keys.pendingBlob(workflowId, b.writeId) });
    for (let i = 0; i < b.chunks; i++) {
      out.push({ kind: "delete", key: keys.blob(workflowId, b.writeId, i) });
    }
  }
  return out;
}
