/**
 * A run's history read back: its entries as `pack` stored them (events as JSON text, or chunked
 * when large), and their events numbered with their global ids.
 *
 * @module
 */

import { decodeValue } from "../chunks.ts";
import { DamagedData } from "../damaged_data.ts";
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

function damaged(workflowId: string, r: unknown, problem: string): DamagedData {
  return new DamagedData(
    workflowId,
    Number.isSafeInteger(r) ? `history entry ${r}` : "a history entry",
    problem,
  );
}

/**
 * Reads a history entry back as it was written.
 *
 * @param kv The KV handle.
 * @param workflowId Run id.
 * @param h The entry as stored.
 * @returns The entry with its events.
 * @throws {DamagedData} When the entry, or its chunks, cannot be read.
 */
export async function decodeHistory(
  kv: Deno.Kv,
  workflowId: string,
  h: StoredHistory | HistoryRecord,
): Promise<HistoryRecord> {
  if (typeof h !== "object" || h === null) throw damaged(workflowId, undefined, "not a record");
  const stored = h as StoredHistory;
  if (
    !Number.isSafeInteger(h.r) || typeof h.time !== "number" ||
    !Number.isSafeInteger(h.firstEventId) || (h.kind !== "activation" && h.kind !== "info")
  ) {
    throw damaged(workflowId, h.r, "its head (r, kind, time, firstEventId) is malformed");
  }
  const head = { r: h.r, kind: h.kind, time: h.time, firstEventId: h.firstEventId };
  let events: unknown;
  if (stored.json !== undefined) {
    try {
      events = JSON.parse(stored.json);
    } catch (e) {
      throw damaged(workflowId, h.r, `its events are not JSON (${(e as Error).message})`);
    }
  } else if (stored.blob !== undefined) {
    events = await decodeValue(kv, workflowId, stored.blob, `history entry ${h.r}`);
  } else {
    events = stored.events ?? [];
  }
  if (!Array.isArray(events)) throw damaged(workflowId, h.r, "its events are not a list");
  for (const e of events) {
    if (typeof e !== "object" || e === null || typeof (e as { type?: unknown }).type !== "string") {
      throw damaged(workflowId, h.r, "an event has no type");
    }
  }
  return { ...head, events };
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
