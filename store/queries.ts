/**
 * Aggregate reads for tools (`loom stats`, `loom inspect`): counts by status read from the
 * index keys, and runs found by a prefix of their id.
 *
 * @module
 */

import { keys } from "./keys.ts";
import type { KvStore } from "./kv_store.ts";
import { TaskKind, type TaskRecord, TaskStatus } from "./records.ts";

/** What a KV file holds, counted. */
export interface RecordCounts {
  /** Runs by status (`RUNNING`, `COMPLETED`, ...), from the status index. */
  workflows: Record<string, number>;
  /** Tasks kept, by status (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED`). */
  tasks: Record<string, number>;
  /** Events recorded (the highest global event id). */
  events: number;
  /** Log entries recorded (the highest log id). */
  logs: number;
  /** Timers armed: pending `TIMER` tasks (sleeps and signal timeouts). */
  timers: number;
  /** Requests waiting in the inbox for the owner. */
  inbox: number;
}

async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix }, { batchSize: 500 })) n++;
  return n;
}

/**
 * Counts what a KV file holds. Runs are counted from the status index (one key each), tasks
 * and timers from the kept task records; events and logs are numbered, so their last id is
 * their count.
 *
 * @param store The store.
 * @returns The counts.
 */
export async function countRecords(store: KvStore): Promise<RecordCounts> {
  const kv = store.kv;
  const workflows: Record<string, number> = {};
  // The status index without a status: every run, grouped by the status part of its key.
  const byStatus = keys.byStatusPrefix("").slice(0, -1);
  const countWorkflows = (async () => {
    for await (const e of kv.list<null>({ prefix: byStatus }, { batchSize: 500 })) {
      const status = String(e.key[byStatus.length]);
      workflows[status] = (workflows[status] ?? 0) + 1;
    }
  })();
  const tasks: Record<string, number> = {};
  let timers = 0;
  const countTask = (t: TaskRecord) => {
    tasks[t.status] = (tasks[t.status] ?? 0) + 1;
    if (t.kind === TaskKind.Timer && t.status === TaskStatus.Pending) timers++;
  };
  const countTasks = (async () => {
    // Open tasks live in the records of running runs; finished ones in the task log.
    const ids: string[] = [];
    for await (const e of kv.list<null>({ prefix: keys.byStatusPrefix("RUNNING") })) {
      ids.push(e.key[e.key.length - 1] as string);
    }
    for (const r of await store.getWorkflows(ids)) for (const t of r?.tasks ?? []) countTask(t);
    for await (
      const e of kv.list<TaskRecord[]>({ prefix: keys.taskLogPrefix() }, { batchSize: 500 })
    ) {
      for (const t of e.value) countTask(t);
    }
  })();
  const lastEvent = store.lastIds().then((ids) => ids.event);
  const lastLog = (async () => {
    for await (const e of kv.list({ prefix: keys.logPrefix() }, { reverse: true, limit: 1 })) {
      return e.key[1] as number;
    }
    return 0;
  })();
  const [events, logs, inbox] = await Promise.all([
    lastEvent,
    lastLog,
    countKeys(kv, keys.inboxPrefix()),
    countWorkflows,
    countTasks,
  ]);
  return { workflows, tasks, events, logs, timers, inbox };
}

/**
 * Finds runs whose id starts with a prefix.
 *
 * @param store The store.
 * @param prefix Start of the id (not empty).
 * @param limit At most this many.
 * @returns Matching ids, in key order.
 */
export async function findWorkflowIds(
  store: KvStore,
  prefix: string,
  limit = 10,
): Promise<string[]> {
  const start = keys.workflow(prefix);
  const end = keys.workflow(`${prefix}\u{10FFFF}`);
  const ids: string[] = [];
  for await (const e of store.kv.list<unknown>({ start, end }, { limit })) {
    const id = e.key[e.key.length - 1] as string;
    if (id.startsWith(prefix)) ids.push(id);
  }
  return ids;
}
