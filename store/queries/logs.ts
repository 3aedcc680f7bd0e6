/**
 * Queries over log entries: of all runs, or of one run through its own prefix.
 *
 * @module
 */

import { countOf, readCounters } from "../counters.ts";
import { keys } from "../keys.ts";
import type { LogRecord } from "../records.ts";
import { TIME_SKEW_MS } from "./events.ts";

/** Filters of {@linkcode queryLogs}; every given filter must match. */
export interface LogFilter {
  /** Entries of this run only. */
  workflowId?: string;
  /** Any of these levels. */
  levels?: string[];
  /** Logged at or after this time (ms). */
  since?: number;
}

/** Order and paging of {@linkcode queryLogs}. */
export interface LogPaging {
  /** Oldest first instead of newest first. @default false */
  oldestFirst?: boolean;
  /** Entries to skip first. @default 0 */
  offset?: number;
  /** Entries to return; `Infinity` for all. */
  limit: number;
}

/** A page of log entries. */
export interface LogPage {
  /** The entries, in order. */
  items: LogRecord[];
  /** Whether more entries follow. */
  more: boolean;
}

function matches(l: LogRecord, f: LogFilter): boolean {
  if (f.levels !== undefined && !f.levels.includes(l.level)) return false;
  if (f.since !== undefined && l.createdAt < f.since) return false;
  return true;
}

async function* logs(
  kv: Deno.Kv,
  f: LogFilter,
  oldest: boolean,
  batchSize = 500,
): AsyncGenerator<LogRecord> {
  const prefix = f.workflowId === undefined
    ? keys.logPrefix()
    : keys.logOfWorkflowPrefix(f.workflowId);
  for await (
    const e of kv.list<LogRecord>({ prefix }, { reverse: !oldest, batchSize })
  ) {
    if (matches(e.value, f)) yield e.value;
    else if (!oldest && f.since !== undefined && e.value.createdAt < f.since - TIME_SKEW_MS) {
      return;
    }
  }
}

/**
 * Lists log entries that match a filter, newest (or oldest) first by id.
 *
 * @param kv The KV handle.
 * @param filter What to match.
 * @param paging Order, offset and page size.
 * @returns The entries, and whether more follow.
 */
export async function queryLogs(
  kv: Deno.Kv,
  filter: LogFilter,
  paging: LogPaging,
): Promise<LogPage> {
  let skip = Math.max(0, paging.offset ?? 0);
  const items: LogRecord[] = [];
  // A page of a few entries reads a batch of a few (more follow while filters skip some).
  const want = Number.isFinite(paging.limit) ? paging.limit + (paging.offset ?? 0) + 1 : 500;
  const batch = Math.min(500, Math.max(20, want * 2));
  for await (const l of logs(kv, filter, paging.oldestFirst ?? false, batch)) {
    if (skip > 0) {
      skip--;
      continue;
    }
    if (items.length >= paging.limit) return { items, more: true };
    items.push(l);
  }
  return { items, more: false };
}

/**
 * Counts the log entries that match a filter: of all runs, by level, from the counters kept at
 * commit time; otherwise by reading them.
 *
 * @param kv The KV handle.
 * @param filter What to match.
 * @returns The number of entries.
 */
export async function countLogs(kv: Deno.Kv, filter: LogFilter): Promise<number> {
  if (filter.workflowId === undefined && filter.since === undefined) {
    let levels = filter.levels;
    if (levels === undefined) {
      levels = [];
      const prefix = keys.logCountPrefix();
      for await (const e of kv.list({ prefix })) {
        if (countOf(e.value) > 0) levels.push(String(e.key[prefix.length]));
      }
    }
    const counted = await readCounters(kv, [...new Set(levels)].map(keys.logCount));
    if (counted !== undefined) return counted.reduce((a, b) => a + b, 0);
  }
  let n = 0;
  for await (const _ of logs(kv, filter, false)) n++;
  return n;
}
