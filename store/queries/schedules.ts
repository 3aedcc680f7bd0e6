/**
 * Reading schedules: one by id (with its versionstamp, for a change that checks it), all of
 * them, and the due part of a partition's next-fire index.
 *
 * @module
 */

import { keys } from "../keys.ts";
import type { ScheduleEntry, ScheduleRecord } from "../schedules.ts";

/**
 * Reads a schedule.
 *
 * @param kv The KV handle.
 * @param id The schedule's id.
 * @returns The record and its versionstamp, or `undefined` when there is none.
 */
export async function getSchedule(kv: Deno.Kv, id: string): Promise<ScheduleEntry | undefined> {
  const e = await kv.get<ScheduleRecord>(keys.schedule(id));
  return e.value === null || e.versionstamp === null
    ? undefined
    : { record: e.value, versionstamp: e.versionstamp };
}

/**
 * Lists schedules by id.
 *
 * @param kv The KV handle.
 * @param limit Most schedules returned.
 * @returns The records.
 */
export async function listSchedules(kv: Deno.Kv, limit = 1000): Promise<ScheduleRecord[]> {
  const out: ScheduleRecord[] = [];
  for await (const e of kv.list<ScheduleRecord>({ prefix: keys.schedulePrefix() }, { limit })) {
    out.push(e.value);
  }
  return out;
}

/** The due part of a partition's next-fire index. */
export interface DueSchedules {
  /** Schedules due at `now`, earliest first, with their index keys and the time they are due. */
  due: { id: string; at: number; key: Deno.KvKey }[];
  /** The earliest time after `now` a schedule of the partition is due; `undefined` for none. */
  next: number | undefined;
}

/**
 * Reads the schedules of a partition that are due, and when the next one is.
 *
 * @param kv The KV handle.
 * @param partition The partition.
 * @param now The time.
 * @param limit Most due schedules returned.
 * @returns The due schedules and the next due time.
 */
export async function dueSchedules(
  kv: Deno.Kv,
  partition: number,
  now: number,
  limit = 100,
): Promise<DueSchedules> {
  const out: DueSchedules = { due: [], next: undefined };
  const iter = kv.list<null>({ prefix: keys.scheduleDuePrefix(partition) }, { limit: limit + 1 });
  for await (const e of iter) {
    const at = e.key[2] as number;
    if (at > now) {
      out.next = at;
      break;
    }
    if (out.due.length < limit) out.due.push({ id: e.key[3] as string, at, key: e.key });
  }
  return out;
}
