/**
 * Queries over tasks. Open tasks (PENDING, RUNNING) live in their run's record, finished ones
 * (COMPLETED, FAILED) in the task log, pruned down to the engine's `taskRetention`.
 *
 * @module
 */

import { readCounters } from "../counters.ts";
import { keys } from "../keys.ts";
import type { TaskRecord } from "../records.ts";
import { getRun, getRuns } from "./runs.ts";

/** Filters and page size of {@linkcode listTasks}. */
export interface TaskListOptions {
  /** Status. */
  status?: string;
  /** Tasks of this run only. */
  workflowId?: string;
  /** Kind. */
  kind?: string;
  /** Tasks to return. @default 100 */
  limit?: number;
  /** Only open tasks (`open`), or only finished ones (`finished`). */
  only?: "open" | "finished";
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

async function* openTasks(kv: Deno.Kv, workflowId?: string): AsyncGenerator<TaskRecord> {
  if (workflowId !== undefined) {
    const record = await getRun(kv, workflowId);
    for (const t of [...record?.tasks ?? []].sort((a, b) => b.id - a.id)) yield t;
    return;
  }
  const ids: string[] = [];
  const iter = kv.list<null>({ prefix: keys.byStatusPrefix("RUNNING") }, { reverse: true });
  const drain = async function* (batch: string[]) {
    for (const r of await getRuns(kv, batch)) {
      for (const t of [...r?.tasks ?? []].sort((a, b) => b.id - a.id)) yield t;
    }
  };
  for await (const e of iter) {
    ids.push(e.key[e.key.length - 1] as string);
    if (ids.length >= 500) yield* drain(ids.splice(0));
  }
  yield* drain(ids);
}

async function* finishedTasks(kv: Deno.Kv): AsyncGenerator<TaskRecord> {
  for await (
    const e of kv.list<TaskRecord[]>({ prefix: keys.taskLogPrefix() }, { reverse: true })
  ) {
    for (let i = e.value.length - 1; i >= 0; i--) yield e.value[i] as TaskRecord;
  }
}

/**
 * Reads a task: an open one from its run's record, a finished one from the task log.
 *
 * @param kv The KV handle.
 * @param id Task id.
 * @param workflowId Its run, when known (faster).
 * @returns The task, or `undefined`.
 */
export async function getTask(
  kv: Deno.Kv,
  id: number,
  workflowId?: string,
): Promise<TaskRecord | undefined> {
  for await (const t of openTasks(kv, workflowId)) if (t.id === id) return t;
  for await (const t of finishedTasks(kv)) if (t.id === id) return t;
  return undefined;
}

/**
 * Lists tasks: open ones (PENDING, RUNNING; newest first) and then finished ones
 * (COMPLETED, FAILED; most recently finished first).
 *
 * @param kv The KV handle.
 * @param options Filters and page size.
 * @returns Tasks.
 */
export async function listTasks(
  kv: Deno.Kv,
  options: TaskListOptions = {},
): Promise<TaskRecord[]> {
  const limit = options.limit ?? 100;
  const out: TaskRecord[] = [];
  const wanted = (t: TaskRecord) =>
    (options.status === undefined || t.status === options.status) &&
    (options.workflowId === undefined || t.workflowId === options.workflowId) &&
    (options.kind === undefined || t.kind === options.kind);
  const open = options.only !== "finished" &&
    (options.status === undefined || options.status === "PENDING" || options.status === "RUNNING");
  const finished = options.only !== "open" &&
    (options.status === undefined || options.status === "COMPLETED" ||
      options.status === "FAILED");
  if (open) {
    for await (const t of openTasks(kv, options.workflowId)) {
      if (!wanted(t)) continue;
      out.push(t);
      if (out.length >= limit) return out;
    }
  }
  if (finished) {
    for await (const t of finishedTasks(kv)) {
      if (!wanted(t)) continue;
      out.push(t);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/**
 * Lists every task that matches a filter, newest first. Tasks are few (finished ones are pruned
 * down to the engine's `taskRetention`), so this reads them all.
 *
 * @param kv The KV handle.
 * @param filter What to match.
 * @returns The tasks.
 */
export async function listAllTasks(kv: Deno.Kv, filter: TaskFilter = {}): Promise<TaskRecord[]> {
  // Only open tasks wanted: the task log is not read.
  const open = filter.statuses !== undefined &&
    filter.statuses.every((s) => s === "PENDING" || s === "RUNNING");
  const all: TaskRecord[] = [];
  if (open) { for await (const t of openTasks(kv, filter.workflowId)) all.push(t); }
  else {
    all.push(
      ...await listTasks(kv, {
        ...(filter.workflowId === undefined ? {} : { workflowId: filter.workflowId }),
        limit: Number.MAX_SAFE_INTEGER,
      }),
    );
  }
  return all.filter((t) =>
    (filter.statuses === undefined || filter.statuses.includes(t.status)) &&
    (filter.kinds === undefined || filter.kinds.includes(t.kind)) &&
    (filter.dueBy === undefined || t.runAt <= filter.dueBy)
  ).sort((a, b) => b.id - a.id);
}

/** Task statuses, as counted. */
const TASK_STATUSES = ["PENDING", "RUNNING", "COMPLETED", "FAILED"] as const;

/**
 * Counts tasks by status from the counters kept at commit time: open ones as listed in running
 * runs' records, finished ones as kept in the task log.
 *
 * @param kv The KV handle.
 * @returns Counts by status, or `undefined` when the file's counters are not built yet.
 */
export async function countTasks(kv: Deno.Kv): Promise<Record<string, number> | undefined> {
  const got = await readCounters(kv, TASK_STATUSES.map(keys.taskCount));
  return got === undefined
    ? undefined
    : Object.fromEntries(TASK_STATUSES.map((s, i) => [s, got[i] ?? 0]));
}

/**
 * Counts the durable timers due at or before a time, from the timer index.
 *
 * @param kv The KV handle.
 * @param until Time (ms).
 * @returns How many.
 */
export async function countDueTimers(kv: Deno.Kv, until: number): Promise<number> {
  let n = 0;
  const end = keys.timer(until + 1, "", 0);
  for await (const _ of kv.list({ start: keys.timerPrefix(), end }, { batchSize: 500 })) n++;
  return n;
}
