/**
 * Records as the API shows them: the reference's JSON shapes and field names (snake case, ISO
 * 8601 times, durations in seconds), with Loom's additions.
 *
 * @module
 */

import type {
  LogRecord,
  StoredError,
  StoredEvent,
  TaskRecord,
  WorkflowRecord,
} from "../../store/mod.ts";
import type { SerializedErrorShape } from "./schemas.ts";

type Status = "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED";

/**
 * Formats a time as ISO 8601 UTC.
 *
 * @param ms Milliseconds since the epoch.
 * @returns The time.
 */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function ended(r: WorkflowRecord): boolean {
  return r.status !== "RUNNING";
}

/**
 * A stored error without its stack traces.
 *
 * @param e The stored error.
 * @returns Code, name, message, details and cause.
 */
export function publicError(e: StoredError | SerializedErrorShape): SerializedErrorShape {
  const out: SerializedErrorShape = { name: String(e.name), message: String(e.message) };
  if (typeof e.code === "string") out.code = e.code;
  const details = (e as { details?: unknown }).details;
  if (typeof details === "object" && details !== null) {
    out.details = Object.fromEntries(
      Object.entries(details).filter(([, v]) => typeof v === "string"),
    ) as Record<string, string>;
  }
  const cause = (e as { cause?: unknown }).cause;
  if (typeof cause === "object" && cause !== null && "message" in cause) {
    out.cause = publicError(cause as StoredError);
  }
  return out;
}

/**
 * A run in a list.
 *
 * @param r The run's record.
 * @returns The summary.
 */
export function workflowSummary(r: WorkflowRecord) {
  const end = r.completedAt ?? (ended(r) ? r.updatedAt : undefined);
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    status: r.status as Status,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
    completed_at: end === undefined ? null : iso(end),
    duration: end === undefined ? null : Math.floor((end - r.createdAt) / 1000),
    error_message: r.error === undefined ? null : String(r.error.message),
    event_count: r.events,
  };
}

/**
 * A run with its input, state and error.
 *
 * @param r The record.
 * @param input The input.
 * @param state The current (or final) state.
 * @returns The detail.
 */
export function workflowDetail(r: WorkflowRecord, input: unknown, state: Record<string, unknown>) {
  return {
    ...workflowSummary(r),
    description: r.description,
    module: r.module,
    input: input ?? null,
    current_state: state,
    error: r.error === undefined ? null : publicError(r.error),
  };
}

/**
 * An event.
 *
 * @param e The event.
 * @returns The summary.
 */
export function eventSummary(e: StoredEvent) {
  return {
    id: e.id,
    workflow_id: e.workflowId,
    type: e.type,
    payload: e.payload,
    created_at: iso(e.createdAt),
  };
}

/**
 * An event with its run's name and status.
 *
 * @param e The event.
 * @param r Its run's name and status (absent when the run was removed).
 * @returns The detail.
 */
export function eventDetail(e: StoredEvent, r: { name: string; status: string } | undefined) {
  return {
    ...eventSummary(e),
    workflow_name: r?.name ?? "",
    workflow_status: (r?.status ?? "RUNNING") as Status,
  };
}

/**
 * A task.
 *
 * @param t The task.
 * @returns Its shape.
 */
export function task(t: TaskRecord) {
  return {
    id: String(t.id),
    workflow_id: t.workflowId,
    workflow_name: t.workflowName,
    kind: t.kind,
    target: t.target,
    status: t.status,
    attempts: t.attempts,
    max_attempts: t.maxAttempts,
    run_at: iso(t.runAt),
    created_at: iso(t.createdAt),
    updated_at: iso(t.updatedAt),
    last_error: t.lastError ?? null,
  };
}

/**
 * A log entry.
 *
 * @param l The entry.
 * @returns Its shape.
 */
export function logEntry(l: LogRecord) {
  return {
    id: l.id,
    workflow_id: l.workflowId,
    workflow_name: l.workflowName,
    level: l.level as "DEBUG" | "INFO" | "WARNING" | "ERROR",
    message: l.message,
    step: l.step ?? null,
    created_at: iso(l.createdAt),
  };
}
