/**
 * Values larger than KV's 64 KiB limit: their JSON is split into chunks stored under a write id
 * of their own (`["blob", workflowId, writeId, i]`), and joined again on read. The reference a
 * record holds names the write id, the number of chunks and the byte length, and a read takes
 * exactly those keys: chunks of another write (one whose record never landed) can never be read
 * as part of this one, since no two writes share a write id (see `write_ids.ts`).
 *
 * @module
 */

import { DamagedData } from "./damaged_data.ts";
import type { Key } from "./keys.ts";
import { keys } from "./keys.ts";
import type { StoredValue } from "./records.ts";

/** Estimated size above which a value is chunked (KV's limit is 65,536 serialized bytes). */
export const INLINE_LIMIT = 48_000;
/** Estimated size above which a run's input or result leaves its record (read on every list). */
export const RECORD_INLINE_LIMIT = 1024;
/** Bytes per chunk. */
export const CHUNK_BYTES = 60_000;

const WIDE = /[\u0100-\uffff]/;

/**
 * Estimates the V8-serialized size of a JSON-compatible value, erring high: strings count one
 * byte a character (two when they hold characters above U+00FF), numbers nine.
 *
 * @param value The value.
 * @returns Estimated bytes.
 */
export function valueSize(value: unknown): number {
  switch (typeof value) {
    case "string":
      return (value.length > 16 && !WIDE.test(value) ? value.length : value.length * 2) + 5;
    case "number":
    case "bigint":
      return 10;
    case "object": {
      if (value === null) return 1;
      if (value instanceof Uint8Array) return value.length + 10;
      let n = 5;
      if (Array.isArray(value)) {
        for (const item of value) n += valueSize(item);
        return n;
      }
      for (const key in value) {
        n += key.length * 2 + 5 + valueSize((value as Record<string, unknown>)[key]);
      }
      return n;
    }
    default:
      return 2;
  }
}

/** The chunks of one write of a large value. */
export interface ChunkedValue {
  /** The write id the chunks are keyed by. */
  writeId: string;
  /** Chunk keys and bytes, in order. */
  chunks: [Key, Uint8Array][];
}

/** A value ready to store: what goes in the record, and the chunk writes it needs. */
export interface Encoded {
  /** Inline value or chunk reference. */
  stored: StoredValue;
  /** The chunks to write, when the value is chunked. */
  blob?: ChunkedValue;
}

/**
 * Prepares a value for storage, chunking it when it is too large to inline.
 *
 * @param value The value.
 * @param workflowId Run whose blob prefix holds the chunks.
 * @param writeId Gives the write id of the chunks (called only when the value is chunked).
 * @param inlineLimit Largest estimated size kept inline.
 * @returns What to store.
 */
export function encodeValue(
  value: unknown,
  workflowId: string,
  writeId: () => string,
  inlineLimit: number = INLINE_LIMIT,
): Encoded {
  if (valueSize(value) <= inlineLimit) return { stored: { v: value } };
  return encodeText(JSON.stringify(value), workflowId, writeId());
}

/**
 * The stored size of a string (one byte a character, two when it has characters above U+00FF).
 *
 * @param text A string.
 * @returns Bytes.
 */
export function jsonSize(text: string): number {
  return (WIDE.test(text) ? text.length * 2 : text.length) + 16;
}

/**
 * Splits JSON text into chunks keyed by a write id.
 *
 * @param json JSON text.
 * @param workflowId Run whose blob prefix holds the chunks.
 * @param writeId The write id (never used by another write).
 * @returns The reference to store and the chunk writes.
 */
export function encodeText(json: string, workflowId: string, writeId: string): Encoded {
  const bytes = new TextEncoder().encode(json);
  const chunks: [Key, Uint8Array][] = [];
  for (let i = 0; i * CHUNK_BYTES < bytes.length; i++) {
    chunks.push([
      keys.blob(workflowId, writeId, i),
      bytes.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES),
    ]);
  }
  return {
    stored: { blob: writeId, chunks: chunks.length, bytes: bytes.length },
    blob: { writeId, chunks },
  };
}

/**
 * Whether a stored value reference has a readable shape.
 *
 * @param stored What a record holds.
 * @returns `true` for `{ v }` or `{ blob, chunks, bytes }`.
 */
export function isStoredValue(stored: unknown): stored is StoredValue {
  if (typeof stored !== "object" || stored === null) return false;
  if ("v" in stored) return true;
  const s = stored as { blob?: unknown; chunks?: unknown; bytes?: unknown };
  return typeof s.blob === "string" && Number.isSafeInteger(s.chunks) &&
    Number.isSafeInteger(s.bytes) && (s.chunks as number) >= 0 && (s.bytes as number) >= 0;
}

/**
 * Reads the bytes of a chunked value: exactly the chunks its reference names, checked against
 * its byte length.
 *
 * @param kv The KV handle.
 * @param workflowId Run that owns the chunks.
 * @param stored The reference.
 * @param part What the value is, for the error (`input`, `history entry 4`, ...).
 * @returns The bytes.
 * @throws {DamagedData} When a chunk is missing or the lengths do not add up.
 */
async function readChunks(
  kv: Deno.Kv,
  workflowId: string,
  stored: { blob: string; chunks: number; bytes: number },
  part: string,
): Promise<Uint8Array> {
  const groups: Key[][] = [];
  for (let i = 0; i < stored.chunks; i += 10) {
    const group: Key[] = [];
    for (let j = i; j < Math.min(i + 10, stored.chunks); j++) {
      group.push(keys.blob(workflowId, stored.blob, j));
    }
    groups.push(group);
  }
  // Chunks are never rewritten once their write id is named, so separate snapshots agree.
  const pages = await Promise.all(groups.map((g) => kv.getMany<Uint8Array[]>(g)));
  const all = new Uint8Array(stored.bytes);
  let at = 0;
  let i = 0;
  for (const page of pages) {
    for (const entry of page) {
      const bytes = entry.value;
      if (!(bytes instanceof Uint8Array)) {
        throw new DamagedData(workflowId, part, `chunk ${i} of ${stored.chunks} is missing`);
      }
      if (at + bytes.length > stored.bytes) {
        throw new DamagedData(
          workflowId,
          part,
          `its chunks hold more than the ${stored.bytes} bytes its reference names`,
        );
      }
      all.set(bytes, at);
      at += bytes.length;
      i++;
    }
  }
  if (at !== stored.bytes) {
    throw new DamagedData(
      workflowId,
      part,
      `its chunks hold ${at} of the ${stored.bytes} bytes its reference names`,
    );
  }
  return all;
}

/**
 * Reads a stored value back.
 *
 * @param kv The KV handle.
 * @param workflowId Run that owns the chunks.
 * @param stored What the record holds.
 * @param part What the value is, for the error. @default "value"
 * @returns The value.
 * @throws {DamagedData} When the reference or its chunks cannot be read.
 */
export async function decodeValue(
  kv: Deno.Kv,
  workflowId: string,
  stored: StoredValue,
  part = "value",
): Promise<unknown> {
  if (!isStoredValue(stored)) {
    throw new DamagedData(workflowId, part, "its reference is malformed");
  }
  if ("v" in stored) return stored.v;
  const bytes = await readChunks(kv, workflowId, stored, part);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new DamagedData(workflowId, part, `its chunks are not JSON (${(e as Error).message})`);
  }
}
