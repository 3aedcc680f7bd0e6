/**
 * Queries over runs through their secondary indexes: by status, by name, by start time, and by
 * id prefix. Every index key ends in `[createdAt, id]`, so several index streams merge into one
 * list ordered by start time, and a position (`createdAt`, `id`) resumes a list exactly where
 * the previous page stopped.
 *
 * @module
 */

import { readCounters, readNameCounts } from "../counters.ts";
import { type Key, keys } from "../keys.ts";
import type { WorkflowRecord } from "../records.ts";
import { getRuns } from "./runs.ts";

/** Filters of {@linkcode queryRuns}; every given filter must match. */
export interface RunFilter {
  /** Any of these statuses. */
  statuses?: string[];
  /** Any of these exact workflow names. */
  names?: string[];
  /** Workflow name contains this text (case-insensitive). */
  nameContains?: string;
  /** Run id starts with this text. */
  idPrefix?: string;
  /** Started at or after this time (ms). */
  createdAfter?: number;
  /** Started before this time (ms). */
  createdBefore?: number;
}

/** Where a list of runs stopped: the start time and id of the last run returned. */
export interface RunPosition {
  /** Start time (ms). */
  createdAt: number;
  /** Run id. */
  id: string;
}

/** Order and paging of {@linkcode queryRuns}. */
export interface RunPaging {
  /** Oldest first instead of newest first. @default false */
  oldestFirst?: boolean;
  /** Continue after this run (in the list's order). */
  after?: RunPosition;
  /** Runs to skip first. @default 0 */
  offset?: number;
  /** Runs to return. */
  limit: number;
}

/** A page of runs. */
export interface RunPage {
  /** The runs, in order. */
  items: WorkflowRecord[];
  /** Whether more runs follow. */
  more: boolean;
}

const END = "\u{10FFFF}";

/**
 * Tells whether a run matches a filter.
 *
 * @param r The run.
 * @param f The filter.
 * @returns `true` when every given filter matches.
 */
export function matchesRun(r: WorkflowRecord, f: RunFilter): boolean {
  if (f.statuses !== undefined && !f.statuses.includes(r.status)) return false;
  if (f.names !== undefined && !f.names.includes(r.name)) return false;
  if (
    f.nameContains !== undefined &&
    !r.name.toLowerCase().includes(f.nameContains.toLowerCase())
  ) return false;
  if (f.idPrefix !== undefined && !r.id.startsWith(f.idPrefix)) return false;
  if (f.createdAfter !== undefined && r.createdAt < f.createdAfter) return false;
  if (f.createdBefore !== undefined && r.createdAt >= f.createdBefore) return false;
  return true;
}

function compare(a: RunPosition, b: RunPosition): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Lists the distinct workflow names that have runs, reading one index key per name.
 *
 * @param kv The KV handle.
 * @returns Names, sorted.
 */
export async function runNames(kv: Deno.Kv): Promise<string[]> {
  const prefix = keys.byNamePrefix("").slice(0, 2);
  const names: string[] = [];
  let start: Key | undefined;
  while (true) {
    let found: string | undefined;
    const selector = start === undefined ? { prefix } : { prefix, start };
    for await (const e of kv.list<null>(selector, { limit: 1 })) {
      found = e.key[2] as string;
    }
    if (found === undefined) return names;
    names.push(found);
    start = [...prefix, `${found}\0`];
  }
}

/** One index to read: a prefix whose keys end in `[createdAt, id]`. */
type Stream = Key;

interface Plan {
  streams: Stream[];
  /** The streams match the filter exactly (no record check needed to count or skip). */
  exact: boolean;
}

async function plan(kv: Deno.Kv, f: RunFilter): Promise<Plan | undefined> {
  let names = f.names;
  if (f.nameContains !== undefined) {
    const needle = f.nameContains.toLowerCase();
    names = (names ?? await runNames(kv)).filter((n) => n.toLowerCase().includes(needle));
  }
  if (names !== undefined) {
    if (names.length === 0) return undefined;
    return { streams: [...new Set(names)].map(keys.byNamePrefix), exact: f.statuses === undefined };
  }
  if (f.statuses !== undefined) {
    if (f.statuses.length === 0) return undefined;
    return { streams: [...new Set(f.statuses)].map(keys.byStatusPrefix), exact: true };
  }
  return { streams: [keys.byTimePrefix()], exact: true };
}

function selector(prefix: Key, lo: Key | undefined, hi: Key | undefined): Deno.KvListSelector {
  if (lo !== undefined && hi !== undefined) return { start: lo, end: hi };
  if (lo !== undefined) return { prefix, start: lo };
  if (hi !== undefined) return { prefix, end: hi };
  return { prefix };
}

/** Reads one index in order, within the time bounds and after a position. */
async function* readStream(
  kv: Deno.Kv,
  prefix: Key,
  f: RunFilter,
  paging: RunPaging,
): AsyncGenerator<RunPosition> {
  const oldest = paging.oldestFirst ?? false;
  let lo: Key | undefined = f.createdAfter === undefined ? undefined : [...prefix, f.createdAfter];
  let hi: Key | undefined = f.createdBefore === undefined
    ? undefined
    : [...prefix, f.createdBefore];
  const at = paging.after;
  if (at !== undefined) {
    if (oldest) {
      if (f.createdAfter === undefined || at.createdAt >= f.createdAfter) {
        lo = [...prefix, at.createdAt, `${at.id}\0`];
      }
    } else if (f.createdBefore === undefined || at.createdAt < f.createdBefore) {
      hi = [...prefix, at.createdAt, at.id];
    }
  }
  // A page of a few runs reads a batch of a few keys (the first batch is read whole).
  const want = paging.limit > 0 ? paging.limit + (paging.offset ?? 0) + 1 : 500;
  const batchSize = Math.min(500, Math.max(20, want * 2));
  const iter = kv.list<null>(selector(prefix, lo, hi), { reverse: !oldest, batchSize });
  for await (const e of iter) {
    const n = e.key.length;
    yield { createdAt: e.key[n - 2] as number, id: e.key[n - 1] as string };
  }
}

/** Merges index streams into one ordered stream of distinct runs. */
async function* merged(
  kv: Deno.Kv,
  streams: Stream[],
  f: RunFilter,
  paging: RunPaging,
): AsyncGenerator<RunPosition> {
  const sign = paging.oldestFirst ? 1 : -1;
  const iters = streams.map((s) => readStream(kv, s, f, paging));
  const heads = await Promise.all(iters.map((it) => it.next()));
  const seen = new Set<string>();
  while (true) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i] as IteratorResult<RunPosition>;
      if (h.done) continue;
      const b = heads[best];
      if (best < 0 || (b !== undefined && !b.done && sign * compare(h.value, b.value) < 0)) {
        best = i;
      }
    }
    if (best < 0) return;
    const head = heads[best] as IteratorYieldResult<RunPosition>;
    heads[best] = await (iters[best] as AsyncGenerator<RunPosition>).next();
    if (seen.has(head.value.id)) continue;
    seen.add(head.value.id);
    yield head.value;
  }
}

/** Runs whose id starts with a prefix, read from the records, in list order. */
async function byIdPrefix(
  kv: Deno.Kv,
  f: RunFilter & { idPrefix: string },
  paging: RunPaging,
): Promise<WorkflowRecord[]> {
  const prefix = keys.workflow("").slice(0, 1);
  const out: WorkflowRecord[] = [];
  const iter = kv.list<WorkflowRecord>({
    start: [...prefix, f.idPrefix],
    end: [...prefix, `${f.idPrefix}${END}`],
  }, { batchSize: 500 });
  for await (const e of iter) {
    if (e.value !== null && matchesRun(e.value, f)) out.push(e.value);
  }
  const sign = paging.oldestFirst ? 1 : -1;
  out.sort((a, b) => sign * compare(a, b));
  const at = paging.after;
  return at === undefined ? out : out.filter((r) => sign * compare(r, at) > 0);
}

/**
 * Lists runs that match a filter, newest (or oldest) first, by start time then id.
 *
 * @param kv The KV handle.
 * @param filter What to match.
 * @param paging Order, position, offset and page size.
 * @returns The page, and whether more runs follow.
 */
export async function queryRuns(
  kv: Deno.Kv,
  filter: RunFilter,
  paging: RunPaging,
): Promise<RunPage> {
  const limit = Math.max(0, paging.limit);
  let skip = Math.max(0, paging.offset ?? 0);
  if (filter.idPrefix !== undefined) {
    const all = await byIdPrefix(kv, { ...filter, idPrefix: filter.idPrefix }, paging);
    return { items: all.slice(skip, skip + limit), more: all.length > skip + limit };
  }
  const p = await plan(kv, filter);
  if (p === undefined) return { items: [], more: false };
  const items: WorkflowRecord[] = [];
  let batch: string[] = [];
  let more = false;
  const flush = async () => {
    const records = await getRuns(kv, batch);
    batch = [];
    for (const r of records) {
      if (r === undefined || !matchesRun(r, filter)) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      if (items.length >= limit) {
        more = true;
        return;
      }
      items.push(r);
    }
  };
  for await (const pos of merged(kv, p.streams, filter, paging)) {
    if (p.exact && skip > 0) {
      skip--;
      continue;
    }
    batch.push(pos.id);
    if (batch.length >= Math.min(100, limit + 1 - items.length + skip)) {
      await flush();
      if (more) return { items, more };
    }
  }
  if (batch.length > 0) await flush();
  return { items, more };
}

/**
 * Counts runs from the counters kept at commit time, for a filter of statuses and names only.
 *
 * @returns The count, or `undefined` for another filter or a file without counters.
 */
async function countFromCounters(kv: Deno.Kv, f: RunFilter): Promise<number | undefined> {
  if (f.idPrefix !== undefined || f.createdAfter !== undefined || f.createdBefore !== undefined) {
    return undefined;
  }
  let names = f.names;
  if (f.nameContains !== undefined) {
    const needle = f.nameContains.toLowerCase();
    names = (names ?? await runNames(kv)).filter((n) => n.toLowerCase().includes(needle));
  }
  const wanted = (s: string) => f.statuses === undefined || f.statuses.includes(s);
  if (names === undefined) {
    const statuses = f.statuses ?? ["RUNNING", "COMPLETED", "FAILED", "CANCELLED"];
    const counts = await readCounters(kv, [...new Set(statuses)].map(keys.statusCount));
    return counts?.reduce((a, b) => a + b, 0);
  }
  const byName = await readNameCounts(kv, [...new Set(names)]);
  if (byName === undefined) return undefined;
  let n = 0;
  for (const counts of byName.values()) {
    for (const [s, c] of Object.entries(counts)) if (wanted(s)) n += c;
  }
  return n;
}

/**
 * Counts the runs that match a filter: from the counters for statuses and names; otherwise
 * from index keys when the index matches the filter exactly (time range), or by reading the
 * records.
 *
 * @param kv The KV handle.
 * @param filter What to match.
 * @returns The number of runs.
 */
export async function countRuns(kv: Deno.Kv, filter: RunFilter): Promise<number> {
  const counted = await countFromCounters(kv, filter);
  if (counted !== undefined) return counted;
  if (filter.idPrefix !== undefined) {
    return (await byIdPrefix(kv, { ...filter, idPrefix: filter.idPrefix }, { limit: 0 }))
      .length;
  }
  const p = await plan(kv, filter);
  if (p === undefined) return 0;
  let n = 0;
  let batch: string[] = [];
  const flush = async () => {
    for (const r of await getRuns(kv, batch)) {
      if (r !== undefined && matchesRun(r, filter)) n++;
    }
    batch = [];
  };
  for await (const pos of merged(kv, p.streams, filter, { limit: 0 })) {
    if (p.exact) {
      n++;
      continue;
    }
    batch.push(pos.id);
    if (batch.length >= 100) await flush();
  }
  await flush();
  return n;
}
