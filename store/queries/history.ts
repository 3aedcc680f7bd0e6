/**
 * A run's history read back: its entries as `pack` stored them (events as JSON text, or chunked
 * when large), and their events numbered with their global ids.
 *
 * @module
 */

import { decodeValue } from "../chunks.ts";
import { keys } from "../keys.ts";
import type { HistoryRecord, StoredEvent, StoredValue } from "../records.ts";

/** A history entry as stored: events as JSON text, or chunked. */
export type StoredHistory = Omit<HistoryRecord, "events"> & {
  /** Events as JSON text. */
  json?: string;
  /** Events as JSON text in chunks. */
  blob?: StoredValue;
  /** Events as a structured value. */
  events?: unknown[];
};

/**
 * Reads a history entry back as it was written.
 *
 * @param kv The KV handle.
 * @param workflowId Run id.
 * @param h The entry as stored.
 * @returns The entry with its events.
 */
export async function decodeHistory(
  kv: Deno.Kv,
  workflowId: string,
  h: StoredHistory | HistoryRecord,
): Promise<HistoryRecord> {
  const stored = h as StoredHistory;
  const head = { r: h.r, kind: h.kind, time: h.time, firstEventId: h.firstEventId };
  if (stored.json !== undefined) return { ...head, events: JSON.parse(stored.json) };
  if (stored.blob !== undefined) {
    return { ...head, events: await decodeValue(kv, workflowId, stored.blob) as unknown[] };
  }
  return { ...head, events: stored.events ?? [] };
}

/**
 * Reads a run's whole history, in order.
 *
 * @param kv The KV handle.
 * @param workflowId Run id.
 * @returns Its entries.
 */
export async function loadHistory(kv: Deno.Kv, workflowId: string): Promise<HistoryRecord[]> {
  const out: HistoryRecord[] = [];
  for await (const e of kv.list<StoredHistory>({ prefix: keys.historyPrefix(workflowId) })) {
    out.push(await decodeHistory(kv, workflowId, e.value));
  }
  return out;
}

/**
 * The events of history entries, with their global ids.
 *
 * @param workflowId The run the entries belong to.
 * @param entries Its entries, in order.
 * @returns The events, in order.
 */
export function historyEvents(workflowId: string, entries: HistoryRecord[]): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const h of entries) {
    h.events.forEach((e, i) => {
      const { type, payload } = e as { type: string; payload: unknown };
      out.push({ id: h.firstEventId + i, workflowId, type, payload, createdAt: h.time });
    });
  }
  return out;
}
