/**
 * The zod schemas of the schedules API (`/api/schedules`), and the one mapping from the
 * engine's `ScheduleInfo` to the answer's shape (snake_case, ISO times, `null` for none).
 *
 * @module
 */

import { SCHEDULE_CATCHUPS, SCHEDULE_OVERLAPS, type ScheduleInfo } from "../../engine/mod.ts";
import { z } from "../_deps.ts";
import { Json, Timestamp } from "./schemas.ts";

const Overlap = z.enum(SCHEDULE_OVERLAPS as ["skip", "buffer_one", "allow_all"]).openapi({
  description: 'A fire while the last run still runs: "skip" it (default), keep one ' +
    '("buffer_one": it starts when the run ends) or start each ("allow_all")',
});

const Catchup = z.enum(SCHEDULE_CATCHUPS as ["one", "all", "none"]).openapi({
  description: 'Fires missed while no process ran: start the latest ("one", default), each ' +
    '("all", at most 100) or none ("none")',
});

/** A schedule. */
export const Schedule = z.object({
  id: z.string(),
  cron: z.string().openapi({ example: "0 9 * * MON-FRI" }),
  timezone: z.string().openapi({ example: "Europe/Berlin" }),
  workflow: z.string(),
  input: Json,
  overlap: Overlap,
  catchup: Catchup,
  paused: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
  next_fire_at: Timestamp.nullable().openapi({ description: "null while paused" }),
  last_fire_at: Timestamp.nullable(),
  last_run_id: z.string().nullable(),
  buffered_fire_at: Timestamp.nullable().openapi({
    description: "A fire kept until the last run ends (buffer_one)",
  }),
  fires: z.number().int().openapi({ description: "Runs started" }),
  skipped: z.number().int().openapi({ description: "Fires not started (overlap, catch-up)" }),
  last_error: z.string().nullable().openapi({
    description: "Why the last fire could not start, until one does",
  }),
}).openapi("Schedule");

/** Body of `POST /api/schedules`. */
export const CreateScheduleRequest = z.object({
  id: z.string().min(1).openapi({
    example: "weekday-report",
    description: "Each fire starts the run <id>@<fire time, ISO 8601>",
  }),
  cron: z.string().openapi({
    example: "0 9 * * MON-FRI",
    description: "Five fields: minute hour day-of-month month day-of-week",
  }),
  workflow: z.string().min(1).openapi({ example: "OrderProcessing" }),
  input: Json.optional(),
  overlap: Overlap.optional(),
  catchup: Catchup.optional(),
  timezone: z.string().optional().openapi({
    description: 'IANA time zone of the expression (default "UTC")',
  }),
}).strict().openapi("CreateScheduleRequest");

/** Answer of `GET /api/schedules`. */
export const ScheduleList = z.object({ data: z.array(Schedule) }).openapi("ScheduleList");

/** Answer of `POST /api/schedules/{id}/trigger`. */
export const TriggerResponse = z.object({
  schedule_id: z.string(),
  workflow_id: z.string().openapi({ example: "weekday-report@2026-01-29T10:15:00.000Z" }),
  created: z.boolean(),
}).openapi("TriggerResponse");

/** Answer of `DELETE /api/schedules/{id}`. */
export const ScheduleDeleted = z.object({
  id: z.string(),
  deleted: z.literal(true),
}).openapi("ScheduleDeleted");

const iso = (t: number | undefined) => t === undefined ? null : new Date(t).toISOString();

/**
 * The answer's shape of a schedule.
 *
 * @param s The schedule.
 * @returns Its JSON.
 */
export function scheduleJson(s: ScheduleInfo): z.input<typeof Schedule> {
  return {
    id: s.id,
    cron: s.cron,
    timezone: s.timezone,
    workflow: s.workflow,
    input: s.input,
    overlap: s.overlap,
    catchup: s.catchup,
    paused: s.paused,
    created_at: new Date(s.createdAt).toISOString(),
    updated_at: new Date(s.updatedAt).toISOString(),
    next_fire_at: iso(s.nextFireAt),
    last_fire_at: iso(s.lastFireAt),
    last_run_id: s.lastRunId ?? null,
    buffered_fire_at: iso(s.bufferedFireAt),
    fires: s.fires,
    skipped: s.skipped,
    last_error: s.lastError ?? null,
  };
}
