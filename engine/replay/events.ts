/**
 * The event catalogue: what a workflow's history is made of. The reference's fourteen types keep
 * their names and payload fields; Loom adds `ACTIVITY_RETRYING`, `ACTIVITY_CANCELLED`,
 * `TIMER_CANCELLED`, `SIGNAL_WAITING` and `CANCEL_REQUESTED`, the run streams' `STREAM_APPENDED`
 * and the hooks' `HOOK_*`. `seq` numbers a workflow's durable calls in the order its code makes
 * them; replay matches calls to history by it.
 *
 * @module
 */

import type { SerializedError } from "../errors.ts";
import type { JsonObject, JsonValue } from "../json.ts";

/** Every event type. */
export const EventType = {
  WorkflowStarted: "WORKFLOW_STARTED",
  StepStart: "STEP_START",
  StepEnd: "STEP_END",
  StateSet: "STATE_SET",
  StateUpdate: "STATE_UPDATE",
  ActivityScheduled: "ACTIVITY_SCHEDULED",
  ActivityCompleted: "ACTIVITY_COMPLETED",
  ActivityFailed: "ACTIVITY_FAILED",
  ActivityRetrying: "ACTIVITY_RETRYING",
  ActivityCancelled: "ACTIVITY_CANCELLED",
  TimerScheduled: "TIMER_SCHEDULED",
  TimerFired: "TIMER_FIRED",
  TimerCancelled: "TIMER_CANCELLED",
  SignalWaiting: "SIGNAL_WAITING",
  SignalReceived: "SIGNAL_RECEIVED",
  CancelRequested: "CANCEL_REQUESTED",
  StreamAppended: "STREAM_APPENDED",
  HookRequested: "HOOK_REQUESTED",
  HookCreated: "HOOK_CREATED",
  HookReceived: "HOOK_RECEIVED",
  HookClosed: "HOOK_CLOSED",
  WorkflowCompleted: "WORKFLOW_COMPLETED",
  WorkflowFailed: "WORKFLOW_FAILED",
  WorkflowCancelled: "WORKFLOW_CANCELLED",
} as const;

/** A value of {@linkcode EventType}. */
export type EventType = typeof EventType[keyof typeof EventType];

/** Workflow statuses, as the reference spells them. */
export const WorkflowStatus = {
  Running: "RUNNING",
  Completed: "COMPLETED",
  Failed: "FAILED",
  Cancelled: "CANCELLED",
} as const;

/** A value of {@linkcode WorkflowStatus}. */
export type WorkflowStatus = typeof WorkflowStatus[keyof typeof WorkflowStatus];

/** Payload of each event type. Timestamps are ISO 8601 UTC strings, as in the reference. */
export interface EventPayloads {
  /** A run started with this input (first event of every run). */
  WORKFLOW_STARTED: { input: JsonValue; workflow_name: string; version: string };
  /** A step began. */
  STEP_START: { step_name: string; step_fn: string; started_at: string };
  /** A step returned. */
  STEP_END: { step_name: string; completed_at: string };
  /** `ctx.state.set(key, value)`. */
  STATE_SET: { key: string; value: JsonValue };
  /** `ctx.state.update()` or `ctx.state.batch()`: the whole new state. */
  STATE_UPDATE: { state: JsonObject };
  /** `ctx.activity(fn, ...args)` asked for an activity. */
  ACTIVITY_SCHEDULED: {
    seq: number;
    name: string;
    description: string;
    retry_count: number;
    timeout_seconds: number;
    func: string;
    module: string;
    args: JsonValue[];
  };
  /** An activity returned (its result is what replay returns). */
  ACTIVITY_COMPLETED: { seq: number; name: string; result: JsonValue; attempt: number };
  /** An activity failed after its last attempt. */
  ACTIVITY_FAILED: {
    seq: number;
    name: string;
    error: string;
    error_detail: SerializedError;
    attempts: number;
  };
  /** An attempt failed; the next one runs at `next_attempt_at` (not replayed). */
  ACTIVITY_RETRYING: {
    seq: number;
    name: string;
    attempt: number;
    error: string;
    next_attempt_at: string;
    next_attempt_at_ms: number;
  };
  /** An activity is no longer awaited (cancel, or the run ended). */
  ACTIVITY_CANCELLED: { seq: number; name: string; reason: string };
  /** `ctx.sleep()`, or the timeout of `ctx.waitForSignal()` or of a hook, armed a timer. */
  TIMER_SCHEDULED: {
    seq: number;
    timer_id: string;
    fire_at: string;
    fire_at_ms: number;
    purpose: "sleep" | "signal_timeout" | "hook_timeout";
    signal?: string;
  };
  /** A timer fell due. */
  TIMER_FIRED: { seq: number; timer_id: string };
  /** A timer is no longer needed. */
  TIMER_CANCELLED: { seq: number; timer_id: string };
  /** `ctx.waitForSignal(name)` started waiting. */
  SIGNAL_WAITING: { seq: number; name: string; timeout_ms?: number };
  /** `handle.signal(name, data)`: `payload` is the data. */
  SIGNAL_RECEIVED: { name: string; payload: JsonValue; sent_at: string };
  /** `handle.cancel(reason)`. */
  CANCEL_REQUESTED: { reason: string; requested_at: string };
  /** `ctx.stream(name).write(value)`: the `index`-th value (from 0) of the run's stream `name`. */
  STREAM_APPENDED: { name: string; index: number; value: JsonValue };
  /** `ctx.createHook()` asked the engine for a hook (its token is minted outside the code). */
  HOOK_REQUESTED: { seq: number; timeout_ms?: number };
  /**
   * The engine minted the hook: its secret `token` (only its SHA-256, `token_hash`, is indexed),
   * its `url`, and when it expires.
   */
  HOOK_CREATED: {
    seq: number;
    token: string;
    token_hash: string;
    url: string;
    created_at: string;
    timeout_ms?: number;
    expires_at?: string;
    expires_at_ms?: number;
  };
  /** The hook was called (`POST /api/hooks/{token}`, `resumeHook`): `payload` is the body. */
  HOOK_RECEIVED: { seq: number; token_hash: string; payload: JsonValue; received_at: string };
  /** The hook can no longer be called: the run was cancelled or ended while it was open. */
  HOOK_CLOSED: { seq: number; token_hash: string; reason: string };
  /** The run completed; its final state is its result. */
  WORKFLOW_COMPLETED: { completed_at: string };
  /** The run failed with `error`. */
  WORKFLOW_FAILED: {
    error: string;
    error_detail: SerializedError;
    failed_at: string;
    step?: string;
  };
  /** The run ended cancelled. */
  WORKFLOW_CANCELLED: { reason: string; canceled_at: string };
}

/** One event: its type and the payload that type carries. */
export type WorkflowEvent = {
  [T in EventType]: { type: T; payload: EventPayloads[T] };
}[EventType];

/** Events that come from outside the workflow code and are delivered to it (resolutions). */
export const INBOUND_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  EventType.WorkflowStarted,
  EventType.ActivityCompleted,
  EventType.ActivityFailed,
  EventType.TimerFired,
  EventType.SignalReceived,
  EventType.CancelRequested,
  EventType.HookCreated,
  EventType.HookReceived,
]);

/**
 * Tells whether an event is delivered to workflow code (a resolution) rather than made by it.
 *
 * @param event An event.
 * @returns `true` for resolutions.
 */
export function isInbound(event: WorkflowEvent): boolean {
  return INBOUND_TYPES.has(event.type);
}

/**
 * Describes an event by what identifies it in replay, for error messages.
 *
 * @param event An event.
 * @returns E.g. `ACTIVITY_SCHEDULED "charge" (seq 2)`.
 */
export function describeEvent(event: WorkflowEvent): string {
  switch (event.type) {
    case EventType.StepStart:
    case EventType.StepEnd:
      return `${event.type} "${event.payload.step_name}"`;
    case EventType.StateSet:
      return `${event.type} "${event.payload.key}"`;
    case EventType.StreamAppended:
      return `${event.type} "${event.payload.name}"`;
    case EventType.ActivityScheduled:
    case EventType.SignalWaiting:
      return `${event.type} "${event.payload.name}" (seq ${event.payload.seq})`;
    case EventType.TimerScheduled:
    case EventType.TimerCancelled:
    case EventType.ActivityCancelled:
    case EventType.HookRequested:
    case EventType.HookClosed:
      return `${event.type} (seq ${event.payload.seq})`;
    default:
      return event.type;
  }
}

/**
 * Tells whether the code made the same call as history recorded: same type and same identity
 * (step name, state key, activity name, signal name, seq). Values are not compared.
 *
 * @param recorded Event from history.
 * @param made Event the code made while replaying.
 * @returns `true` when they match.
 */
export function sameCall(recorded: WorkflowEvent, made: WorkflowEvent): boolean {
  if (recorded.type !== made.type) return false;
  const a = recorded.payload as unknown as Record<string, unknown>;
  const b = made.payload as unknown as Record<string, unknown>;
  for (const field of ["step_name", "key", "name", "seq", "purpose"]) {
    if (a[field] !== b[field]) return false;
  }
  return true;
}

/**
 * Formats a time in milliseconds as the reference's timestamps (ISO 8601, UTC).
 *
 * @param ms Milliseconds since the epoch.
 * @returns ISO 8601 string.
 */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
