/**
 * Counts (`loom stats`, `/api/stats`): runs by status (from the counters kept at commit time,
 * or from the index keys on a file whose counters are not built yet), runs started and ended
 * per minute (from the minute rollups), what a KV file holds, and the highest event and log
 * ids in use.
 *
 * @module
 */

import { type MinuteCounts, readMinuteCounts, readStatusCounts } from "../counters.ts";
import { type Key, keys } from "../keys.ts";
import { type EventIndexEntry, TaskKind, type TaskRecord, TaskStatus } from "../records.ts";
import { getRuns } from "./runs.ts";

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
 * @param kv The KV handle.
 * @returns The counts.
 */
export async function countRecords(kv: Deno.Kv): Promise<RecordCounts> {
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
    for (const r of await getRuns(kv, ids)) for (const t of r?.tasks ?? []) countTask(t);
    for await (
      const e of kv.list<TaskRecord[]>({ prefix: keys.taskLogPrefix() }, { batchSize: 500 })
    ) {
      for (const t of e.value) countTask(t);
    }
  })();
  const lastEvent = lastIds(kv).then((ids) => ids.event);
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

async function lastNumber(kv: Deno.Kv, prefix: Key): Promise<number> {
  for await (const e of kv.list({ prefix }, { reverse: true, limit: 1 })) {
    return e.key[prefix.length] as number;
  }
  return 0;
}

/**
 * Reads the highest ids in use, so that new ones continue from them.
 *
 * @param kv The KV handle.
 * @returns The last event and log ids (0 when none).
 */
export async function lastIds(kv: Deno.Kv): Promise<{ event: number; log: number }> {
  let event = 0;
  const last = kv.list<EventIndexEntry[]>({ prefix: keys.eventIndexPrefix() }, {
    reverse: true,
    limit: 1,
  });
  for await (const e of last) {
    for (const [, , first, count] of e.value) event = Math.max(event, first + count - 1);
  }
  return { event, log: await lastNumber(kv, keys.logPrefix()) };
}

/**
 * Counts runs by status: from the counters (a few reads, whatever the number of runs), or from
 * the status index (keys only) on a file whose counters are not built yet.
 *
 * @param kv The KV handle.
 * @param statuses Statuses to count.
 * @returns Count per status.
 */
export async function countByStatus(
  kv: Deno.Kv,
  statuses: readonly string[],
): Promise<Record<string, number>> {
  return await readStatusCounts(kv, statuses) ?? await scanByStatus(kv, statuses);
}

/**
 * Counts runs by status from the status index (keys only): what the counters must agree with.
 *
 * @param kv The KV handle.
 * @param statuses Statuses to count.
 * @returns Count per status.
 */
export async function scanByStatus(
  kv: Deno.Kv,
  statuses: readonly string[],
): Promise<Record<string, number>> {
  const counts = await Promise.all(statuses.map(async (s) => {
    let n = 0;
    for await (const _ of kv.list<null>({ prefix: keys.byStatusPrefix(s) }, { batchSize: 1000 })) {
      n++;
    }
    return [s, n] as const;
  }));
  return Object.fromEntries(counts);
}

/**
 * Runs started and ended per minute from the minute rollups kept at commit time.
 *
 * @param kv The KV handle.
 * @param since First minute (ms, a minute's start).
 * @param until Last minute (ms, a minute's start), included.
 * @returns Counts by minute start (minutes without any are absent), or `undefined` when the
 * file's rollups do not cover the range yet (then count from the events).
 */
export function minuteCounts(
  kv: Deno.Kv,
  since: number,
  until: number,
): Promise<Map<number, MinuteCounts> | undefined> {
  return readMinuteCounts(kv, since, until);
}
