/**
 * The data the pages show: the HTTP API's own answers, typed from its zod schemas (type-only
 * imports, so nothing of zod or Hono reaches the browser bundle).
 *
 * @module
 */

import type { z } from "../../_deps.ts";
import type * as S from "../../api/schemas.ts";
import type * as Sched from "../../api/schedule_schemas.ts";

/** A run in a list (`GET /api/workflows`). */
export type RunSummary = z.infer<typeof S.WorkflowSummary>;
/** A run with its input and state (`GET /api/workflows/{id}`). */
export type RunDetail = z.infer<typeof S.WorkflowDetail>;
/** A run's event (`GET /api/workflows/{id}/events`). */
export type RunEvent = z.infer<typeof S.EventSummary>;
/** An event of any run (`GET /api/events`). */
export type EventDetail = z.infer<typeof S.EventDetail>;
/** A task (`GET /api/tasks`). */
export type Task = z.infer<typeof S.Task>;
/** A log entry (`GET /api/logs`). */
export type LogEntry = z.infer<typeof S.LogEntry>;
/** Paging metadata of list answers. */
export type PageMeta = z.infer<typeof S.PageMeta>;
/** A page of items. */
export interface Paged<T> {
  /** The items. */
  data: T[];
  /** Paging. */
  meta: PageMeta;
}
/** A workflow definition with its versions (`GET /api/definitions`). */
export type Definition = z.infer<typeof S.Definition>;
/** Everything `GET /api/stats` answers. */
export type SystemStats = z.infer<typeof S.SystemStats>;
/** Runs started and ended per minute. */
export type Throughput = z.infer<typeof S.Throughput>;
/** `GET /api/stats/health`. */
export type HealthStats = z.infer<typeof S.HealthStats>;
/** The processes that hold the file's partitions (`GET /api/stats/processes`). */
export type ProcessList = z.infer<typeof S.Processes>;
/** A workflow graph (`GET /api/graphs/...`). */
export type WorkflowGraph = z.infer<typeof S.WorkflowGraph>;
/** A graph node. */
export type GraphNode = z.infer<typeof S.GraphNode>;
/** A schedule (`GET /api/schedules`). */
export type Schedule = z.infer<typeof Sched.Schedule>;
/** A run status. */
export type RunStatus = RunSummary["status"];

/** Every stored event type, in the order a run makes them (for filters). */
export const EVENT_TYPES = [
  "WORKFLOW_STARTED",
  "STEP_START",
  "STEP_END",
  "STATE_SET",
  "STATE_UPDATE",
  "ACTIVITY_SCHEDULED",
  "ACTIVITY_COMPLETED",
  "ACTIVITY_FAILED",
  "ACTIVITY_RETRYING",
  "ACTIVITY_CANCELLED",
  "TIMER_SCHEDULED",
  "TIMER_FIRED",
  "TIMER_CANCELLED",
  "SIGNAL_WAITING",
  "SIGNAL_RECEIVED",
  "CANCEL_REQUESTED",
  "STREAM_APPENDED",
  "HOOK_REQUESTED",
  "HOOK_CREATED",
  "HOOK_RECEIVED",
  "HOOK_CLOSED",
  "WORKFLOW_COMPLETED",
  "WORKFLOW_FAILED",
  "WORKFLOW_CANCELLED",
] as const;

/** Run statuses. */
export const RUN_STATUSES = ["RUNNING", "COMPLETED", "FAILED", "CANCELLED"] as const;
