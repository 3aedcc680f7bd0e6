/**
 * The client side of Loom, shared by the engine (in the owner process) and by remote clients:
 * start runs, find them, and act on them through handles.
 *
 * @module
 */

import type { SerializedError } from "./errors.ts";
import type { WorkflowStatus } from "./replay/events.ts";
import type { JsonValue } from "./json.ts";

/** Options of `start()`. */
export interface StartOptions {
  /** The run's id; a random one when omitted. Starting an id that exists returns its handle. */
  workflowId?: string;
  /** Version to run, when starting by name. @default the newest registered version */
  version?: string;
  /** What to do when the id exists. @default "return" */
  ifExists?: "return" | "fail";
}

/** Options of {@linkcode WorkflowHandle.result}. */
export interface ResultOptions {
  /** Wait for the run to end. With `false`, a running workflow gives `WorkflowStillRunningError`. @default true */
  wait?: boolean;
  /** Stops waiting. */
  signal?: AbortSignal;
}

/** Options of {@linkcode WorkflowHandle.stream}. */
export interface StreamOptions {
  /** Start after this index (the last value the reader has, from 0); from the first value when absent. */
  after?: number;
  /** Stops reading: the iteration ends. */
  signal?: AbortSignal;
}

/** What is known of a run. */
export interface WorkflowInfo {
  /** The run's id. */
  workflowId: string;
  /** Workflow name. */
  name: string;
  /** Definition version the run uses. */
  version: string;
  /** Description of the definition. */
  description: string;
  /** Module of the definition, when known. */
  module: string;
  /** Status. */
  status: WorkflowStatus;
  /** The input. */
  input: JsonValue;
  /** Start time (ms since the epoch). */
  createdAt: number;
  /** Time of the last transition (ms since the epoch). */
  updatedAt: number;
  /** End time, once finished. */
  completedAt?: number;
  /** The error, when the run failed. */
  error?: SerializedError;
  /** Number of events in the history. */
  eventCount: number;
}

/** A run in a list. */
export interface WorkflowSummary {
  /** The run's id. */
  workflowId: string;
  /** Workflow name. */
  name: string;
  /** Version. */
  version: string;
  /** Status. */
  status: WorkflowStatus;
  /** Start time (ms). */
  createdAt: number;
  /** Time of the last transition (ms). */
  updatedAt: number;
}

/** Filters and paging of `list()`. */
export interface ListOptions {
  /** Only runs with this status. */
  status?: WorkflowStatus;
  /** Only runs of this workflow name. */
  workflow?: string;
  /** Page size. @default 50 */
  limit?: number;
  /** Cursor from the previous page. */
  cursor?: string;
}

/** A page of runs, newest first. */
export interface ListPage {
  /** The runs. */
  items: WorkflowSummary[];
  /** Pass to the next `list()` for the next page; absent on the last page. */
  cursor?: string;
}

/** A handle on one run. */
export interface WorkflowHandle<S = Record<string, JsonValue>> {
  /** The run's id. */
  readonly workflowId: string;
  /**
   * For a handle returned by `start()`: whether that call created the run (`false` when a run
   * with the id existed already, whatever else ran concurrently). `undefined` for `getHandle()`.
   */
  readonly created?: boolean;
  /**
   * Reads the run's status.
   *
   * @returns The run's status.
   * @throws {WorkflowNotFoundError}
   */
  status(): Promise<WorkflowStatus>;
  /**
   * Waits for the run to end and returns its final state.
   *
   * @throws {ActivityFailedError} When an activity's failure was not caught.
   * @throws {WorkflowCancelledError} When the run was cancelled.
   * @throws {WorkflowExecutionError} For any other failure (the error is its `cause`).
   * @throws {WorkflowStillRunningError} With `{ wait: false }` while the run is running.
   */
  result(options?: ResultOptions): Promise<S>;
  /**
   * Sends a signal; a run that is not waiting for it yet keeps it until it does.
   *
   * @throws {WorkflowNotRunningError} When the run has ended.
   */
  signal(name: string, data?: JsonValue): Promise<void>;
  /**
   * Asks the run to stop: its pending durable call throws `WorkflowCancelledError`.
   *
   * @throws {WorkflowNotRunningError} When the run completed or failed.
   */
  cancel(reason?: string): Promise<void>;
  /**
   * Reads what is known of the run.
   *
   * @returns What is known of the run.
   * @throws {WorkflowNotFoundError}
   */
  info(): Promise<WorkflowInfo>;
  /**
   * Reads the run's stream `name` (what its code writes with `ctx.stream(name).write(value)`):
   * every value written so far, then each new one as it is written; the iteration ends once the
   * run has ended and every value has been read.
   *
   * @param name The stream.
   * @param options Where to start, and what stops reading.
   * @returns The values, in order.
   * @throws {WorkflowNotFoundError} When there is no such run.
   * @throws {InvalidArgumentError} For a stream name that is not allowed.
   */
  stream<T = JsonValue>(name: string, options?: StreamOptions): AsyncIterable<T>;
}

/** Phantom key carrying a workflow's input type. */
export const INPUT_TYPE: unique symbol = Symbol("loom.inputType");
/** Phantom key carrying a workflow's state (result) type. */
export const STATE_TYPE: unique symbol = Symbol("loom.stateType");

/** Something that carries a workflow's input and state types (a workflow instance or definition). */
export interface Typed<I, S> {
  /** Never set: it only carries the input type. */
  readonly [INPUT_TYPE]?: I;
  /** Never set: it only carries the state type. */
  readonly [STATE_TYPE]?: S;
}

/** A workflow class or defined workflow whose input and state types `start()` can infer. */
export type TypedWorkflowRef<I, S> = (abstract new () => Typed<I, S>) | Typed<I, S>;

/** Anything that identifies a workflow definition for `start()`: a class, a definition or a name. */
export type WorkflowRef = string | { readonly name: string } | (abstract new () => object);

/**
 * What a schedule does when a fire is due while its previous run still runs: `skip` the fire,
 * keep one (`buffer_one`: it starts when the run ends; later ones are skipped), or start every
 * fire (`allow_all`).
 */
export type ScheduleOverlap = "skip" | "buffer_one" | "allow_all";

/**
 * What a schedule does with the fires it missed while no process ran it (found more than two
 * minutes after their time): start the latest (`one`), each of them (`all`, the latest 100 at
 * most), or none (`none`).
 */
export type ScheduleCatchup = "one" | "all" | "none";

/** Options of `schedules.create()`. */
export interface CreateScheduleOptions {
  /**
   * The schedule's id (the rule of run ids, 25 characters shorter): each fire starts a run with
   * id `<id>@<fire time, ISO 8601>`.
   */
  id: string;
  /** A five-field cron expression: minute, hour, day of month, month, day of week. */
  cron: string;
  /** The workflow each fire starts: a class, a definition or a registered name. */
  workflow: WorkflowRef | TypedWorkflowRef<unknown, object>;
  /** The input of each run (a JSON value). @default null */
  input?: unknown;
  /** What a fire does while the previous run still runs. @default "skip" */
  overlap?: ScheduleOverlap;
  /** What the fires missed while no process ran do. @default "one" */
  catchup?: ScheduleCatchup;
  /** The IANA time zone the expression is read in. @default "UTC" */
  timezone?: string;
}

/** What is known of a schedule. Times are ms since the epoch. */
export interface ScheduleInfo {
  /** The schedule's id. */
  id: string;
  /** Its cron expression. */
  cron: string;
  /** The time zone of the expression. */
  timezone: string;
  /** The workflow's name. */
  workflow: string;
  /** The input of each run. */
  input: JsonValue;
  /** What a fire does while the previous run still runs. */
  overlap: ScheduleOverlap;
  /** What missed fires do. */
  catchup: ScheduleCatchup;
  /** Whether it is paused. */
  paused: boolean;
  /** Creation time. */
  createdAt: number;
  /** Time of the last change. */
  updatedAt: number;
  /** The next fire time; absent while paused. */
  nextFireAt?: number;
  /** Fire time of the last run started (a trigger's: the time of the call). */
  lastFireAt?: number;
  /** The last run started. */
  lastRunId?: string;
  /** A fire kept until the last run ends (`buffer_one`). */
  bufferedFireAt?: number;
  /** Runs started. */
  fires: number;
  /** Fires not started (overlap or catch-up). */
  skipped: number;
  /** Why the last fire could not start, until one does. */
  lastError?: string;
}

/** Schedules: runs started on a cron expression. */
export interface ScheduleClient {
  /**
   * Creates a schedule; its first fire is the expression's next time.
   *
   * @throws {InvalidArgumentError} For a bad id, cron expression (naming the field), time zone,
   * overlap or catch-up, or an input that is not JSON or too large.
   * @throws {WorkflowDefinitionNotFoundError} When the workflow is unknown.
   * @throws {ScheduleAlreadyExistsError} When a schedule has the id.
   */
  create(options: CreateScheduleOptions): Promise<ScheduleInfo>;
  /** Lists the schedules, by id. */
  list(): Promise<ScheduleInfo[]>;
  /**
   * Reads a schedule.
   *
   * @throws {ScheduleNotFoundError}
   */
  get(id: string): Promise<ScheduleInfo>;
  /**
   * Stops a schedule's fires (a run it started goes on).
   *
   * @throws {ScheduleNotFoundError}
   */
  pause(id: string): Promise<ScheduleInfo>;
  /**
   * Resumes a paused schedule from its expression's next time (the fires it missed while paused
   * are not started).
   *
   * @throws {ScheduleNotFoundError}
   */
  resume(id: string): Promise<ScheduleInfo>;
  /**
   * Starts a run now, with id `<id>@<the time of the call>` (also while paused, whatever the
   * overlap).
   *
   * @throws {ScheduleNotFoundError}
   */
  trigger<S = Record<string, JsonValue>>(id: string): Promise<WorkflowHandle<S>>;
  /**
   * Deletes a schedule (the runs it started are kept).
   *
   * @throws {ScheduleNotFoundError}
   */
  delete(id: string): Promise<void>;
}

/** Starts runs and finds them: the engine, and remote clients. */
export interface WorkflowClient {
  /** Starts a run (or returns the existing one with the same id); types come from the workflow. */
  start<I, S extends object>(
    workflow: TypedWorkflowRef<I, S>,
    input: I,
    options?: StartOptions,
  ): Promise<WorkflowHandle<S>>;
  /** Starts a run by name or definition (or returns the existing one with the same id). */
  start<S = Record<string, JsonValue>>(
    workflow: WorkflowRef,
    input?: unknown,
    options?: StartOptions,
  ): Promise<WorkflowHandle<S>>;
  /** A handle on a run by id (not checked until used). */
  getHandle<S = Record<string, JsonValue>>(workflowId: string): WorkflowHandle<S>;
  /** Lists runs, newest first. */
  list(options?: ListOptions): Promise<ListPage>;
  /** Schedules: runs started on a cron expression. */
  readonly schedules: ScheduleClient;
  /**
   * Resumes a hook by its token (what `POST /api/hooks/{token}` does): the run's `hook.wait()`
   * returns `body`. Resolves once the call is recorded (or, while no process owns the run,
   * queued for its next owner).
   *
   * @throws {HookNotFoundError} When no open hook has the token (unknown, used, run ended).
   * @throws {HookExpiredError} When the hook's timeout has passed.
   * @throws {InvalidPayloadError} When the body is not JSON.
   */
  resumeHook(token: string, body?: JsonValue): Promise<void>;
}
