/**
 * Schedules in KV: one record per schedule (`["sched", id]`) and, while it is not paused, one
 * entry in its partition's next-fire index (`["sched_due", partition, wakeAt, id]`), written
 * together. Every change after the first write checks the record's versionstamp, so that two
 * processes that fire the same schedule advance it once. Reads are in `queries/schedules.ts`.
 *
 * @module
 */

import { keys } from "./keys.ts";
import { commitPatiently } from "./patient_commit.ts";

/** A schedule as stored. Times are ms since the epoch; `null` where there is none. */
export interface ScheduleRecord {
  /** The schedule's id. */
  id: string;
  /** Five-field cron expression. */
  cron: string;
  /** IANA time zone the expression is read in. */
  timezone: string;
  /** Name of the workflow each fire starts. */
  workflow: string;
  /** Input of each run (a JSON value). */
  input: unknown;
  /** `skip`, `buffer_one` or `allow_all`. */
  overlap: string;
  /** `one`, `all` or `none`. */
  catchup: string;
  /** Paused schedules do not fire (and are not in the index). */
  paused: boolean;
  /** Creation time. */
  createdAt: number;
  /** Last change. */
  updatedAt: number;
  /** The next fire time by the expression; `null` while paused or when there is none. */
  nextFireAt: number | null;
  /** The schedule's key in the next-fire index; `null` when it is not in it. */
  wakeAt: number | null;
  /** Fire time of the last run started (a trigger's: the time of the call). */
  lastFireAt: number | null;
  /** The last run started. */
  lastRunId: string | null;
  /** A fire kept until the last run ends (`buffer_one`). */
  buffered: number | null;
  /** Runs started. */
  fires: number;
  /** Fires not started (overlap or catch-up). */
  skipped: number;
  /** Why the last fire could not start, until one does. */
  lastError: string | null;
  /** Partition whose owner fires it (a hash of its id). */
  partition: number;
}

/** A schedule record with the versionstamp it was read at. */
export interface ScheduleEntry {
  /** The record. */
  record: ScheduleRecord;
  /** Its versionstamp. */
  versionstamp: string;
}

function indexed(op: Deno.AtomicOperation, record: ScheduleRecord): Deno.AtomicOperation {
  op.set(keys.schedule(record.id), record);
  if (record.wakeAt !== null) {
    op.set(keys.scheduleDue(record.partition, record.wakeAt, record.id), null);
  }
  return op;
}

function unindex(op: Deno.AtomicOperation, record: ScheduleRecord): void {
  if (record.wakeAt !== null) {
    op.delete(keys.scheduleDue(record.partition, record.wakeAt, record.id));
  }
}

/**
 * Writes a new schedule and its index entry, unless a schedule with its id exists.
 *
 * @param kv The KV handle.
 * @param record The schedule.
 * @returns `true` when written, `false` when the id is taken.
 */
export async function insertSchedule(kv: Deno.Kv, record: ScheduleRecord): Promise<boolean> {
  const op = kv.atomic().check({ key: keys.schedule(record.id), versionstamp: null });
  return (await commitPatiently(indexed(op, record))).ok;
}

/**
 * Replaces a schedule read earlier, moving its index entry, unless it changed since.
 *
 * @param kv The KV handle.
 * @param current The record as read, with its versionstamp.
 * @param next The new record.
 * @returns `true` when written, `false` when the record changed (or went) since it was read.
 */
export async function replaceSchedule(
  kv: Deno.Kv,
  current: ScheduleEntry,
  next: ScheduleRecord,
): Promise<boolean> {
  const op = kv.atomic().check({
    key: keys.schedule(current.record.id),
    versionstamp: current.versionstamp,
  });
  unindex(op, current.record);
  return (await commitPatiently(indexed(op, next))).ok;
}

/**
 * Deletes a schedule read earlier and its index entry, unless it changed since.
 *
 * @param kv The KV handle.
 * @param current The record as read, with its versionstamp.
 * @returns `true` when deleted, `false` when the record changed (or went) since it was read.
 */
export async function removeSchedule(kv: Deno.Kv, current: ScheduleEntry): Promise<boolean> {
  const op = kv.atomic().check({
    key: keys.schedule(current.record.id),
    versionstamp: current.versionstamp,
  });
  unindex(op, current.record);
  op.delete(keys.schedule(current.record.id));
  return (await commitPatiently(op)).ok;
}

/**
 * Deletes an index entry whose schedule no longer holds it (left by a change that raced).
 *
 * @param kv The KV handle.
 * @param key The index key.
 */
export async function removeDueEntry(kv: Deno.Kv, key: Deno.KvKey): Promise<void> {
  await kv.delete(key);
}
