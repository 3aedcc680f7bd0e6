/**
 * Values larger than KV's 64 KiB limit: their JSON is split into chunks stored under the run's
 * blob prefix, and joined again on read.
 *
 * @module
 */

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

/** A value ready to store: what goes in the record, and the chunk writes it needs. */
export interface Encoded {
  /** Inline value or chunk reference. */
  stored: StoredValue;
  /** Chunk keys and bytes to write. */
  chunks: [Key, Uint8Array][];
}

/**
 * Prepares a value for storage, chunking it when it is too large to inline.
 *
 * @param value The value.
 * @param workflowId Run whose blob prefix holds the chunks.
 * @param name Name of the value within the run (`input`, `result`, `h12`, ...).
 * @param inlineLimit Largest estimated size kept inline.
 * @returns What to store.
 */
export function encodeValue(
  value: unknown,
  workflowId: string,
  name: string,
  inlineLimit: number = INLINE_LIMIT,
): Encoded {
  if (valueSize(value) <= inlineLimit) return { stored: { v: value }, chunks: [] };
  return encodeText(JSON.stringify(value), workflowId, name);
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
 * Splits JSON text into chunks under the run's blob prefix.
 *
 * @param json JSON text.
 * @param workflowId Run whose blob prefix holds the chunks.
 * @param name Name of the value within the run.
 * @returns The reference to store and the chunk writes.
 */
export function encodeText(json: string, workflowId: string, name: string): Encoded {
  const bytes = new TextEncoder().encode(json);
  const chunks: [Key, Uint8Array][] = [];
  for (let i = 0; i * CHUNK_BYTES < bytes.length; i++) {
    chunks.push([
      keys.blob(workflowId, name, i),
      bytes.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES),
    ]);
  }
  return {
    stored: { blob: name, chunks: chunks.length, bytes: bytes.length },
    chunks,
  };
}

/**
 * Reads a stored value back.
 *
 * @param kv The KV handle.
 * @param workflowId Run that owns the chunks.
 * @param stored What the record holds.
 * @returns The value.
 */
export async function decodeValue(
  kv: Deno.Kv,
  workflowId: string,
  stored: StoredValue,
): Promise<unknown> {
  if ("v" in stored) return stored.v;
  const parts: Uint8Array[] = [];
  for await (
    const entry of kv.list<Uint8Array>({ prefix: keys.blobPrefix(workflowId, stored.blob) })
  ) {
    parts.push(entry.value);
  }
  if (parts.length !== stored.chunks) {
    throw new Error(
      `Stored value "${stored.blob}" of workflow "${workflowId}" has ${parts.length} of ${stored.chunks} chunks`,
    );
  }
  const all = new Uint8Array(stored.bytes);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return JSON.parse(new TextDecoder().decode(all));
}
