/**
 * Queries over log entries (all runs, or one run through its own prefix) and tasks.
 *
 * @module
 */

import { TIME_SKEW_MS } from "./event_query.ts";
import type { KvStore } from "./kv_store.ts";
import { keys } from "./keys.ts";
import type { LogRecord, TaskRecord } from "./records.ts";

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

function matches(l: LogRecord, f: LogFilter): boolean {
  if (f.levels !== undefined && !f.levels.includes(l.level)) return false;
  if (f.since !== undefined && l.createdAt < f.since) return false;
  return true;
}

async function* logs(store: KvStore, f: LogFilter, oldest: boolean): AsyncGenerator<LogRecord> {
  const prefix = f.workflowId === undefined
    ? keys.logPrefix()
    : keys.logOfWorkflowPrefix(f.workflowId);
  for await (
    const e of store.kv.list<LogRecord>({ prefix }, { reverse: !oldest, batchSize: 500 })
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
 * @param store The store.
 * @param filter What to match.
 * @param paging Order, offset and page size.
 * @returns The entries, and whether more follow.
 */
export async function queryLogs(
  store: KvStore,
  filter: LogFilter,
  paging: LogPaging,
): Promise<{ items: LogRecord[]; more: boolean }> {
  let skip = Math.max(0, paging.offset ?? 0);
  const items: LogRecord[] = [];
  for await (const l of logs(store, filter, paging.oldestFirst ?? false)) {
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
 * Counts the log entries that match a filter.
 *
 * @param store The store.
 * @param filter What to match.
 * @returns The number of entries.
 */
export async function countLogs(store: KvStore, filter: LogFilter): Promise<number> {
  let n = 0;
  for await (const _ of logs(store, filter, false)) n++;
  return n;
}

/** Filters of {@linkcode listAllTasks}; every given filter must match. */
export interface TaskFilter {
  /** Tasks of this run only. */
  workflowId?: string;
  /** Any of these statuses. */
  statuses?: string[];
  /** Any of these kinds. */
  kinds?: string[];
  /** Due at or before this time (ms). */
  dueBy?: number;
}

/**
 * Lists every task that matches a filter, newest first. Tasks are few (finished ones are pruned
 * down to the engine's `taskRetention`), so this reads them all.
 *
 * @param store The store.
 * @param filter What to match.
 * @returns The tasks.
 */
export async function listAllTasks(store: KvStore, filter: TaskFilter = {}): Promise<TaskRecord[]> {
  const all = await store.listTasks({
    ...(filter.workflowId === undefined ? {} : { workflowId: filter.workflowId }),
    limit: Number.MAX_SAFE_INTEGER,
  });
  return all.filter((t) =>
    (filter.statuses === undefined || filter.statuses.includes(t.status)) &&
    (filter.kinds === undefined || filter.kinds.includes(t.kind)) &&
    (filter.dueBy === undefined || t.runAt <= filter.dueBy)
  ).sort((a, b) => b.id - a.id);
}
