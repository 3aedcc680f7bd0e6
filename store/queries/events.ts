/**
 * Queries over events: of one run (its history), one by its global id, or of all runs through
 * the global event index (`["g", firstEventId]`, one key per history entry), with filters on
 * type, time and id.
 *
 * @module
 */

import { readCounters } from "../counters.ts";
import { DamagedData } from "../damaged_data.ts";
import { type Key, keys } from "../keys.ts";
import type { EventIndexEntry, HistoryRecord, StoredEvent } from "../records.ts";
import { decodeHistory, historyEvents, loadHistory, type StoredHistory } from "./history.ts";

/** Where a history entry's events are. */
interface EventLocation {
  workflowId: string;
  r: number;
  count: number;
}

/** Filters of {@linkcode queryEvents}; every given filter must match. */
export interface EventFilter {
  /** Events of this run only. */
  workflowId?: string;
  /** Any of these types. */
  types?: string[];
  /** Recorded at or after this time (ms). */
  since?: number;
  /** Ids above this one. */
  afterId?: number;
}

/** Order and paging of {@linkcode queryEvents}. */
export interface EventPaging {
  /** Newest first instead of oldest first. @default false */
  newestFirst?: boolean;
  /** Events to skip first. @default 0 */
  offset?: number;
  /** Events to return. */
  limit: number;
}

/** A page of events. */
export interface EventPage {
  /** The events, in order. */
  items: StoredEvent[];
  /** Whether more events follow. */
  more: boolean;
}

/**
 * How far event times may run backwards against ids: a transition's time is taken when it is
 * built, and ids follow commit order, so a later id never carries a time much earlier than this.
 */
export const TIME_SKEW_MS = 60_000;

/**
 * Reads a run's events with their global ids.
 *
 * @param kv The KV handle.
 * @param workflowId Run id.
 * @returns Events in order.
 */
export async function eventsOf(kv: Deno.Kv, workflowId: string): Promise<StoredEvent[]> {
  return historyEvents(workflowId, await loadHistory(kv, workflowId));
}

/** The event-index key whose range holds `eventId` (or the last one before it). */
async function indexKeyAt(kv: Deno.Kv, eventId: number): Promise<Key | undefined> {
  const iter = kv.list<EventIndexEntry[]>({
    start: keys.eventIndex(0),
    end: keys.eventIndex(eventId + 1),
  }, { reverse: true, limit: 1 });
  for await (const e of iter) return e.key;
  return undefined;
}

/**
 * Finds one event by its global id.
 *
 * @param kv The KV handle.
 * @param eventId Global id.
 * @returns The event, or `undefined`.
 */
export async function getEvent(kv: Deno.Kv, eventId: number): Promise<StoredEvent | undefined> {
  const key = await indexKeyAt(kv, eventId);
  if (key === undefined) return undefined;
  const group = (await kv.get<EventIndexEntry[]>(key)).value ?? [];
  const entry = group.find(([, , first, count]) => eventId >= first && eventId < first + count);
  if (entry === undefined) return undefined;
  const [workflowId, r, first] = entry;
  const h = await kv.get<StoredHistory>(keys.history(workflowId, r));
  if (h.value === null) return undefined;
  const events = historyEvents(workflowId, [await decodeHistory(kv, workflowId, h.value)]);
  return events[eventId - first];
}

function matches(e: StoredEvent, f: EventFilter): boolean {
  if (f.types !== undefined && !f.types.includes(e.type)) return false;
  if (f.since !== undefined && e.createdAt < f.since) return false;
  if (f.afterId !== undefined && e.id <= f.afterId) return false;
  return true;
}

/** The index entries in order, starting with the one that holds the id after `afterId`. */
async function* entries(
  kv: Deno.Kv,
  afterId: number | undefined,
  newestFirst: boolean,
): AsyncGenerator<[first: number, loc: EventLocation]> {
  const prefix = keys.eventIndexPrefix();
  let start: Key | undefined;
  if (afterId !== undefined) {
    // Start at the index key whose entries may hold the next id (it may begin before it).
    start = await indexKeyAt(kv, afterId + 1) ?? keys.eventIndex(afterId + 1);
  }
  const selector: Deno.KvListSelector = start === undefined ? { prefix } : { prefix, start };
  for await (
    // Each key lists up to 300 history entries: a small batch is plenty for a page.
    const e of kv.list<EventIndexEntry[]>(selector, {
      reverse: newestFirst,
      batchSize: 20,
    })
  ) {
    const group = newestFirst ? [...e.value].reverse() : e.value;
    for (const [workflowId, r, first, count] of group) {
      if (afterId !== undefined && first + count - 1 <= afterId) continue;
      yield [first, { workflowId, r, count }];
    }
  }
}

/**
 * Events of all runs, entry by entry, with histories read ten at a time; entries that cannot be
 * read are left out.
 */
async function* allEvents(
  kv: Deno.Kv,
  f: EventFilter,
  newestFirst: boolean,
): AsyncGenerator<StoredEvent> {
  let batch: EventLocation[] = [];
  const read = async function* (): AsyncGenerator<StoredEvent, boolean> {
    const got = await kv.getMany<HistoryRecord[]>(
      batch.map((l) => keys.history(l.workflowId, l.r)),
    );
    const locs = batch;
    batch = [];
    let old = false;
    for (let i = 0; i < got.length; i++) {
      const h = got[i]?.value;
      const loc = locs[i] as EventLocation;
      if (h === null || h === undefined) continue;
      let entry: HistoryRecord;
      try {
        entry = await decodeHistory(kv, loc.workflowId, h);
      } catch (e) {
        // A damaged run is left out of the feed of all runs; reading it names what is wrong.
        if (e instanceof DamagedData) continue;
        throw e;
      }
      const events = historyEvents(loc.workflowId, [entry]);
      if (newestFirst) events.reverse();
      for (const e of events) if (matches(e, f)) yield e;
      if (f.since !== undefined && h.time < f.since - TIME_SKEW_MS) old = true;
    }
    return old;
  };
  for await (const [, loc] of entries(kv, f.afterId, newestFirst)) {
    batch.push(loc);
    if (batch.length >= 10) {
      const old = yield* read();
      if (old && newestFirst) return;
    }
  }
  if (batch.length > 0) yield* read();
}

async function* runEvents(
  kv: Deno.Kv,
  f: EventFilter & { workflowId: string },
  newestFirst: boolean,
): AsyncGenerator<StoredEvent> {
  const events = (await eventsOf(kv, f.workflowId)).filter((e) => matches(e, f));
  if (newestFirst) events.reverse();
  yield* events;
}

/**
 * Lists events that match a filter, oldest (or newest) first by global id.
 *
 * @param kv The KV handle.
 * @param filter What to match.
 * @param paging Order, offset and page size.
 * @returns The page, and whether more events follow.
 */
export async function queryEvents(
  kv: Deno.Kv,
  filter: EventFilter,
  paging: EventPaging,
): Promise<EventPage> {
  const newest = paging.newestFirst ?? false;
  let skip = Math.max(0, paging.offset ?? 0);
  const items: StoredEvent[] = [];
  const source = filter.workflowId === undefined
    ? allEvents(kv, filter, newest)
    : runEvents(kv, { ...filter, workflowId: filter.workflowId }, newest);
  for await (const e of source) {
    if (skip > 0) {
      skip--;
      continue;
    }
    if (items.length >= paging.limit) return { items, more: true };
    items.push(e);
  }
  return { items, more: false };
}

/**
 * Counts the events that match a filter: all of them from the counter kept at commit time;
 * without a type or time filter it reads only the index.
 *
 * @param kv The KV handle.
 * @param filter What to match.
 * @returns The number of events.
 */
export async function countEvents(kv: Deno.Kv, filter: EventFilter): Promise<number> {
  const all = filter.workflowId === undefined && filter.types === undefined &&
    filter.since === undefined && filter.afterId === undefined;
  if (all) {
    const counted = await readCounters(kv, [keys.eventCount()]);
    if (counted !== undefined) return counted[0] ?? 0;
  }
  if (filter.workflowId !== undefined) {
    const events = await eventsOf(kv, filter.workflowId);
    return events.filter((e) => matches(e, filter)).length;
  }
  if (filter.types === undefined && filter.since === undefined) {
    let n = 0;
    const after = filter.afterId ?? 0;
    for await (const [first, loc] of entries(kv, filter.afterId, false)) {
      n += loc.count - Math.max(0, after + 1 - first);
    }
    return n;
  }
  let n = 0;
  for await (const _ of allEvents(kv, filter, false)) n++;
  return n;
}
