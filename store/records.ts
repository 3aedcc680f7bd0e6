/**
 * The records Loom keeps in Deno KV. Event payloads and user values are opaque JSON here: the
 * store knows the layout, not the workflow semantics.
 *
 * @module
 */

/**
 * A user value as stored: inline, or split into chunks under the workflow's blob prefix, keyed
 * by the write id `blob` (`["blob", workflowId, blob, 0 … chunks - 1]`, `bytes` in all).
 */
export type StoredValue = { v: unknown } | { blob: string; chunks: number; bytes: number };

/** Error as plain data (the engine's `SerializedError`). */
export interface StoredError {
  /** Error code. */
  code?: string;
  /** Error name. */
  name: string;
  /** Message. */
  message: string;
  /** Extra fields. */
  [key: string]: unknown;
}

/** One workflow run; rewritten by every transition. */
export interface WorkflowRecord {
  /** Run id. */
  id: string;
  /** Workflow name. */
  name: string;
  /** Definition version. */
  version: string;
  /** Definition description. */
  description: string;
  /** Module that defined it, when known. */
  module: string;
  /** `RUNNING`, `COMPLETED`, `FAILED` or `CANCELLED`. */
  status: string;
  /** Start (ms). */
  createdAt: number;
  /** Last transition (ms). */
  updatedAt: number;
  /** End (ms). */
  completedAt?: number;
  /** Number of history entries (the next entry's number). */
  entries: number;
  /** Number of events. */
  events: number;
  /** Input. */
  input: StoredValue;
  /** Final state, once ended. */
  result?: StoredValue;
  /** Error, when failed. */
  error?: StoredError;
  /** Partition that owns the run. */
  partition: number;
  /** The run's open (PENDING or RUNNING) tasks: its driver, activities and timers. */
  tasks: TaskRecord[];
  /** Open tasks left out of `tasks` to keep the record small. */
  tasksOmitted?: number;
}

/** One committed transition of a run (the core's `HistoryEntry`, numbered). */
export interface HistoryRecord {
  /** Entry number within the run, from 0. */
  r: number;
  /** `activation` (replayed) or `info` (not replayed). */
  kind: "activation" | "info";
  /** Moment of the transition (ms). */
  time: number;
  /** Global id of the first event; the others follow in order. */
  firstEventId: number;
  /** Events (`{ type, payload }`). */
  events: unknown[];
}

/** Task kinds, as in the reference. */
export const TaskKind = { Step: "STEP", Activity: "ACTIVITY", Timer: "TIMER" } as const;
/** A value of {@linkcode TaskKind}. */
export type TaskKind = typeof TaskKind[keyof typeof TaskKind];

/** Task statuses, as in the reference. */
export const TaskStatus = {
  Pending: "PENDING",
  Running: "RUNNING",
  Completed: "COMPLETED",
  Failed: "FAILED",
} as const;
/** A value of {@linkcode TaskStatus}. */
export type TaskStatus = typeof TaskStatus[keyof typeof TaskStatus];

/** A unit of pending or past work: a run's driver, an activity call, or a timer. */
export interface TaskRecord {
  /** Task id (increasing). */
  id: number;
  /** Run it belongs to. */
  workflowId: string;
  /** Workflow name. */
  workflowName: string;
  /** Kind. */
  kind: TaskKind;
  /** Workflow name (STEP), activity name (ACTIVITY), or `__timer__` (TIMER). */
  target: string;
  /** Status. */
  status: TaskStatus;
  /** Attempts made. */
  attempts: number;
  /** Attempts allowed. */
  maxAttempts: number;
  /** When it is due (ms). */
  runAt: number;
  /** Created (ms). */
  createdAt: number;
  /** Last change (ms). */
  updatedAt: number;
  /** Last error message. */
  lastError?: string;
  /** Seq of the durable call, for ACTIVITY and TIMER. */
  seq?: number;
}

/** A log entry made by workflow code. */
export interface LogRecord {
  /** Log id (increasing). */
  id: number;
  /** Run. */
  workflowId: string;
  /** Workflow name. */
  workflowName: string;
  /** `DEBUG`, `INFO`, `WARNING` or `ERROR`. */
  level: string;
  /** Text. */
  message: string;
  /** When (ms). */
  createdAt: number;
  /** Step that logged it. */
  step?: string;
}

/** Where global event ids live: `[workflowId, history entry, first event id, count]`. */
export type EventIndexEntry = [workflowId: string, r: number, firstEventId: number, count: number];

/** An event with its global id, as read back. */
export interface StoredEvent {
  /** Global id. */
  id: number;
  /** Run. */
  workflowId: string;
  /** Event type. */
  type: string;
  /** Payload. */
  payload: unknown;
  /** Time (ms). */
  createdAt: number;
}

/** The owner lease of a partition. */
export interface LeaseRecord {
  /** Random id of the owning engine. */
  ownerId: string;
  /** Its process id. */
  pid: number;
  /** Its host name. */
  host: string;
  /** Increases on every change of owner. */
  epoch: number;
  /** When the owner took the lease (ms). */
  acquiredAt: number;
  /** When the lease lapses unless renewed (ms). */
  expiresAt: number;
}

/** A request written by a process that does not own the file, for the owner to carry out. */
export type InboxRequest =
  & { id: string; createdAt: number }
  & (
    | {
      kind: "start";
      workflow: string;
      version?: string;
      input: unknown;
      workflowId: string;
      ifExists?: "return" | "fail";
    }
    | { kind: "signal"; workflowId: string; name: string; data: unknown }
    | { kind: "cancel"; workflowId: string; reason: string }
    /** A hook's call: the hook by the SHA-256 of its token (the token is not stored). */
    | { kind: "hook"; workflowId: string; tokenHash: string; data: unknown }
  );

/** A hook that can be called, by the SHA-256 of its token (`["hook", tokenHash]`). */
export interface HookRecord {
  /** SHA-256 of the token, hex. */
  tokenHash: string;
  /** The run it resumes. */
  workflowId: string;
  /** Seq of the `ctx.createHook()` call. */
  seq: number;
  /** When it was created (ms). */
  createdAt: number;
  /** When its timeout passes (ms), when it has one. */
  expiresAt?: number;
}

/** Where one history entry holds values of a run's stream (`["stream", run, name, first]`). */
export interface StreamIndexEntry {
  /** The stream. */
  name: string;
  /** Index of the entry's first value of the stream. */
  first: number;
  /** How many values of the stream the entry holds. */
  count: number;
  /** The history entry. */
  r: number;
  /** Its time (ms). */
  time: number;
}

/** The owner's answer to an inbox request. */
export type InboxReply =
  | { ok: true; workflowId?: string; created?: boolean }
  | { ok: false; error: StoredError };
