/**
 * The shapes that `--json` prints, for scripts. They are stable: fields may be added, never
 * renamed or removed. Times are ISO 8601 strings (UTC), durations milliseconds.
 *
 * @module
 */

import type { LogRecord, StoredEvent, WorkflowRecord } from "../store/mod.ts";

/** A run in `loom list --json`. */
export interface WorkflowJson {
  /** The run's id. */
  workflowId: string;
  /** Workflow name. */
  name: string;
  /** Definition version. */
  version: string;
  /** `RUNNING`, `COMPLETED`, `FAILED` or `CANCELLED`. */
  status: string;
  /** Start. */
  createdAt: string;
  /** Last transition. */
  updatedAt: string;
  /** End, once finished. */
  completedAt: string | null;
  /** From start to end, once finished. */
  durationMs: number | null;
}

/** `loom list --json`. */
export interface ListJson {
  /** Runs, newest first. */
  workflows: WorkflowJson[];
  /** Pass to `--cursor` for the next page; `null` on the last page. */
  cursor: string | null;
}

/** An event in `loom inspect --events --json`. */
export interface EventJson {
  /** Global event id. */
  id: number;
  /** Event type (`WORKFLOW_STARTED`, `STEP_START`, ...). */
  type: string;
  /** Its payload. */
  payload: unknown;
  /** When it was recorded. */
  createdAt: string;
}

/** `loom inspect --json`. */
export interface InspectJson extends WorkflowJson {
  /** Definition description. */
  description: string;
  /** Module that defined it, when known (`""` otherwise). */
  module: string;
  /** Number of events. */
  eventCount: number;
  /** The input. */
  input: unknown;
  /** The state, as the `STATE_*` events left it. */
  state: Record<string, unknown>;
  /** The final state, once completed. */
  result: unknown;
  /** The error (`{ code, name, message, ... }`), when failed or cancelled. */
  error: unknown;
  /** The events, with `--events`. */
  events?: EventJson[];
  /** The log entries, with `--logs`. */
  logs?: LogJson[];
}

/** A log entry in `loom inspect --logs --json`. */
export interface LogJson {
  /** Log id. */
  id: number;
  /** `DEBUG`, `INFO`, `WARNING` or `ERROR`. */
  level: string;
  /** Text. */
  message: string;
  /** Step that logged it, when known. */
  step: string | null;
  /** When. */
  createdAt: string;
}

/** `loom stats --json`. */
export interface StatsJson {
  /** The KV file. */
  kvPath: string;
  /** Runs by status. */
  workflows: {
    total: number;
    running: number;
    completed: number;
    failed: number;
    cancelled: number;
  };
  /** Tasks kept, by status. */
  tasks: { total: number; pending: number; running: number; completed: number; failed: number };
  /** Events recorded. */
  events: number;
  /** Log entries recorded. */
  logs: number;
  /** Timers armed. */
  timers: number;
  /** Requests waiting in the inbox. */
  inbox: number;
  /** The oldest process that owns partitions of the file, or `null`. */
  owner: { pid: number; host: string; since: string } | null;
  /** The file's partition count. */
  partitions: number;
  /** The processes that hold partitions (or just joined), oldest first. */
  processes: { pid: number; host: string; since: string; partitions: number[] }[];
  /** Size of the file (with its write-ahead log), or `null` when not a local file. */
  fileBytes: number | null;
}

/** A backup in `loom clean --list-backups --json`. */
export interface BackupJson {
  /** Path of the backup. */
  path: string;
  /** `backup` (made by `clean`) or `pre_restore` (made by `clean --restore`). */
  kind: "backup" | "pre_restore";
  /** Size. */
  bytes: number;
  /** Last modification. */
  modifiedAt: string | null;
}

/** `loom start --json`. */
export interface StartJson {
  /** The run's id. */
  workflowId: string;
  /** Its status (the final one with `--wait`). */
  status: string;
  /** The final state, with `--wait` once completed. */
  result?: unknown;
  /** The error, with `--wait` when it failed or was cancelled (`{ code, name, message }`). */
  error?: { code: string | null; name: string; message: string };
}

const iso = (ms: number | undefined) => ms === undefined ? null : new Date(ms).toISOString();

/**
 * A run record as {@linkcode WorkflowJson}.
 *
 * @param r The record.
 * @returns Its JSON shape.
 */
export function workflowJson(r: WorkflowRecord): WorkflowJson {
  return {
    workflowId: r.id,
    name: r.name,
    version: r.version,
    status: r.status,
    createdAt: iso(r.createdAt) as string,
    updatedAt: iso(r.updatedAt) as string,
    completedAt: iso(r.completedAt),
    durationMs: r.completedAt === undefined ? null : r.completedAt - r.createdAt,
  };
}

/**
 * An event as {@linkcode EventJson}.
 *
 * @param e The event.
 * @returns Its JSON shape.
 */
export function eventJson(e: StoredEvent): EventJson {
  return { id: e.id, type: e.type, payload: e.payload, createdAt: iso(e.createdAt) as string };
}

/**
 * A log entry as {@linkcode LogJson}.
 *
 * @param l The entry.
 * @returns Its JSON shape.
 */
export function logJson(l: LogRecord): LogJson {
  return {
    id: l.id,
    level: l.level,
    message: l.message,
    step: l.step ?? null,
    createdAt: iso(l.createdAt) as string,
  };
}

/** A schedule in `loom schedule ... --json` (`list` prints `{"schedules": [...]}`). */
export interface ScheduleJson {
  /** The schedule's id. */
  id: string;
  /** Its cron expression. */
  cron: string;
  /** Its time zone. */
  timezone: string;
  /** The workflow each fire starts. */
  workflow: string;
  /** The input of each run. */
  input: unknown;
  /** `skip`, `buffer_one` or `allow_all`. */
  overlap: string;
  /** `one`, `all` or `none`. */
  catchup: string;
  /** Whether it is paused. */
  paused: boolean;
  /** Creation. */
  createdAt: string;
  /** Last change. */
  updatedAt: string;
  /** The next fire; `null` while paused. */
  nextFireAt: string | null;
  /** Fire time of the last run started. */
  lastFireAt: string | null;
  /** The last run started. */
  lastRunId: string | null;
  /** A fire kept until the last run ends. */
  bufferedFireAt: string | null;
  /** Runs started. */
  fires: number;
  /** Fires not started (overlap, catch-up). */
  skipped: number;
  /** Why the last fire could not start, until one does. */
  lastError: string | null;
}
