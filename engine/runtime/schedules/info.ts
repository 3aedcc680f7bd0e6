/**
 * A schedule's record as the API shows it (`ScheduleInfo`), and the id of the run a fire
 * starts. No I/O.
 *
 * @module
 */

import type { ScheduleCatchup, ScheduleInfo, ScheduleOverlap } from "../../client.ts";
import type { JsonValue } from "../../json.ts";
import type { ScheduleRecord } from "../../../store/mod.ts";

/**
 * The id of the run a fire starts: `<scheduleId>@<fire time, ISO 8601>`, the same in every
 * process, so that a fire starts one run however many processes fire it.
 *
 * @param scheduleId The schedule.
 * @param at The fire time (ms since the epoch).
 * @returns The run id.
 * @example
 * ```ts
 * import { fireRunId } from "./info.ts";
 * console.assert(fireRunId("nightly", 0) === "nightly@1970-01-01T00:00:00.000Z");
 * ```
 */
export function fireRunId(scheduleId: string, at: number): string {
  return `${scheduleId}@${new Date(at).toISOString()}`;
}

/**
 * What the API shows of a schedule.
 *
 * @param r The record.
 * @returns The info.
 */
export function scheduleInfo(r: ScheduleRecord): ScheduleInfo {
  const info: ScheduleInfo = {
    id: r.id,
    cron: r.cron,
    timezone: r.timezone,
    workflow: r.workflow,
    input: r.input as JsonValue,
    overlap: r.overlap as ScheduleOverlap,
    catchup: r.catchup as ScheduleCatchup,
    paused: r.paused,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    fires: r.fires,
    skipped: r.skipped,
  };
  if (r.nextFireAt !== null && !r.paused) info.nextFireAt = r.nextFireAt;
  if (r.lastFireAt !== null) info.lastFireAt = r.lastFireAt;
  if (r.lastRunId !== null) info.lastRunId = r.lastRunId;
  if (r.buffered !== null) info.bufferedFireAt = r.buffered;
  if (r.lastError !== null) info.lastError = r.lastError;
  return info;
}
