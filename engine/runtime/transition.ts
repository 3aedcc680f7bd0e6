/**
 * The build half of a run's step, as a pure function: from the run's state and what an
 * activation produced (the resolutions it accepted, the events the code made, its logs and
 * status) to the transition to commit, the tasks it opens or closes, the wake-ups to arm or
 * disarm, and the effects to carry out once it has landed. No I/O, no clock, no randomness:
 * the time and the id counters come in, the next id counters go out.
 *
 * @module
 */

import { EventType, isoTime, type WorkflowEvent, WorkflowStatus } from "../replay/events.ts";
import type { ActivationOutput } from "../replay/machine.ts";
import { type SerializedError, serializeError, WorkflowCancelledError } from "../errors.ts";
import type { JsonValue } from "../json.ts";
import {
  type LogRecord,
  openTaskCounts,
  TaskKind,
  type TaskRecord,
  TaskStatus,
  type Transition,
  type WorkflowRecord,
} from "../../store/mod.ts";
import { isTerminal } from "../views/mod.ts";
import { type HookEffect, sideWrites } from "./side_writes.ts";

/** Open tasks listed in a run's record (more are counted, not listed, to keep it small). */
export const MAX_OPEN_TASKS = 200;

/** What to do once a transition has landed. */
export type Effect =
  /** Start the first attempt of an activity call. */
  | { kind: "dispatch"; seq: number; name: string; args: JsonValue[] }
  /** Forget an activity call (it ended); abort its attempt when it was cancelled. */
  | { kind: "abort"; seq: number; cancel: boolean }
  /** Arm the in-process timer of a durable timer. */
  | { kind: "timer"; seq: number; at: number }
  /** Clear a durable timer (it fired or was cancelled). */
  | { kind: "clear"; seq: number }
  /** Arm the in-process timer of an activity's next attempt. */
  | { kind: "retry"; seq: number; at: number }
  /** Mint a requested hook's token (`side_writes.ts`). */
  | HookEffect;

/** A wake-up to add to (`arm`) or remove from (`disarm`) the durable wake-up service. */
export interface WakeupChange {
  /** Add or remove. */
  op: "arm" | "disarm";
  /** Seq of the timer or activity call. */
  seq: number;
  /** When it falls due (ms). */
  dueAt: number;
}

/** The run's state that a transition is built from (read, never changed). */
export interface RunState {
  /** The record as of the last transition built. */
  record: WorkflowRecord;
  /** The run has no record in the store yet (this is its first transition). */
  created: boolean;
  /** Its record was written by a start outside the owner, and this is its first transition. */
  pendingStart?: boolean;
  /** The input (written with the first transition). */
  input: JsonValue;
  /** The run's driver task. */
  stepTask: TaskRecord | undefined;
  /** Open tasks of activities and timers, by seq. */
  tasks: ReadonlyMap<number, TaskRecord>;
  /** Due time of each armed durable timer, by seq. */
  timers: ReadonlyMap<number, number>;
  /** Due times of the retry wake-ups armed so far for an activity call. */
  retriesArmed(seq: number): readonly number[] | undefined;
}

/** The last global event id and log id handed out. */
export interface IdCounters {
  /** Last event id. */
  event: number;
  /** Last log id. */
  log: number;
}

/** What one step of a run adds: informational events, and an activation's output. */
export interface StepInput {
  /** Events recorded outside an activation (activity retries). */
  infos: WorkflowEvent[];
  /** What the activation produced; `undefined` when there was none. */
  output: ActivationOutput | undefined;
  /** Time of the step (ms). */
  time: number;
  /** Id counters before the step. */
  ids: IdCounters;
}

/** A built transition and what goes with it. */
export interface BuiltTransition {
  /** What to commit; `undefined` when the step recorded nothing. */
  transition: Transition | undefined;
  /** The run's new record (also `transition.record`). */
  record: WorkflowRecord;
  /** Tasks the step opened or changed, by seq (finished ones included). */
  tasks: Map<number, TaskRecord>;
  /** The run's driver task after the step (`undefined` once it finished). */
  stepTask: TaskRecord | undefined;
  /** Wake-ups to arm and disarm, in order. */
  wakeups: WakeupChange[];
  /** What to do once the transition has landed, in order. */
  effects: Effect[];
  /** Id counters after the step. */
  ids: IdCounters;
  /** The transition ends the run. */
  terminal: boolean;
}

/**
 * Whether a task has finished.
 *
 * @param task A task.
 * @returns `true` for completed and failed tasks.
 */
export function isDone(task: TaskRecord): boolean {
  return task.status === TaskStatus.Completed || task.status === TaskStatus.Failed;
}

/**
 * The output of an activation that could not run: the resolutions are recorded and the run
 * fails with `error`.
 *
 * @param inbound The resolutions that were to be delivered.
 * @param error Why the run cannot go on.
 * @param time Time of the failure (ms).
 * @returns An activation output that fails the run.
 */
export function failedOutput(
  inbound: WorkflowEvent[],
  error: SerializedError,
  time: number,
): ActivationOutput {
  return {
    inbound,
    outbound: [{
      type: EventType.WorkflowFailed,
      payload: { error: error.message, error_detail: error, failed_at: isoTime(time) },
    }],
    outboundSteps: [undefined],
    logs: [],
    status: WorkflowStatus.Failed,
    error,
  };
}

/**
 * Builds one step of a run: its history entries, logs, status change, tasks, wake-ups and
 * effects. Pure: the run's state is read, never changed.
 *
 * @param run The run's state.
 * @param step What the step adds.
 * @returns The transition and what goes with it.
 */
export function buildTransition(run: RunState, step: StepInput): BuiltTransition {
  const { infos, output, time } = step;
  const ids = { ...step.ids };
  const record: WorkflowRecord = { ...run.record };
  const t: Transition = {
    workflowId: record.id,
    record,
    history: [],
    finishedTasks: [],
    logs: [],
    timersSet: [],
    timersDelete: [],
    enqueue: [],
  };
  const acc = new Accounting(run, time);
  const append = (kind: "activation" | "info", events: WorkflowEvent[]) => {
    const firstEventId = ids.event + 1;
    const r = record.entries;
    ids.event += events.length;
    t.history.push({ r, kind, time, firstEventId, events });
    record.entries++;
    record.events += events.length;
    events.forEach((e, i) => {
      acc.account(e, firstEventId + i);
      const effect = sideWrites(t, e, r, time);
      if (effect !== undefined) acc.effects.push(effect);
    });
  };
  if (infos.length > 0) append("info", infos);
  if (output !== undefined) {
    const events = [...output.inbound, ...output.outbound];
    if (events.length > 0) append("activation", events);
    for (const line of output.logs) {
      const log: LogRecord = {
        id: ++ids.log,
        workflowId: record.id,
        workflowName: record.name,
        level: line.level,
        message: line.message,
        createdAt: line.time,
      };
      if (line.step !== undefined) log.step = line.step;
      t.logs.push(log);
    }
    if (output.status !== record.status) {
      if (!run.created) t.previousStatus = record.status;
      record.status = output.status;
      if (output.status === WorkflowStatus.Failed) {
        t.logs.push(failureLog(record, output, ++ids.log, time));
      }
    }
    if (output.status !== WorkflowStatus.Running) end(t, record, output, acc, time);
  }
  for (const task of acc.tasks.values()) if (isDone(task)) t.finishedTasks.push(task);
  const stepTask = acc.stepTask;
  if (stepTask !== undefined && isDone(stepTask)) t.finishedTasks.push(stepTask);
  const built: BuiltTransition = {
    transition: undefined,
    record,
    tasks: acc.tasks,
    stepTask: stepTask !== undefined && isDone(stepTask) ? undefined : stepTask,
    wakeups: acc.wakeups,
    effects: acc.effects,
    ids,
    terminal: false,
  };
  if (t.history.length === 0 && t.logs.length === 0) return built;
  record.updatedAt = time;
  if (run.created) {
    t.created = true;
    t.input = run.input;
  }
  if (run.pendingStart) t.clearPending = true;
  // The task counters move by the difference between the record's open tasks before and after.
  if (!run.created) t.openTasksBefore = openTaskCounts(run.record);
  listOpenTasks(record, run, acc.tasks, built.stepTask);
  built.transition = t;
  built.terminal = isTerminal(record.status);
  return built;
}

/** The ERROR log line of a run that fails, written with the transition that fails it. */
function failureLog(
  record: WorkflowRecord,
  output: ActivationOutput,
  id: number,
  time: number,
): LogRecord {
  const ended = output.outbound.find((e) => e.type === EventType.WorkflowFailed);
  const step = ended?.type === EventType.WorkflowFailed ? ended.payload.step : undefined;
  const error = output.error;
  const what = error === undefined ? "unknown error" : `${error.name}: ${error.message}`;
  const log: LogRecord = {
    id,
    workflowId: record.id,
    workflowName: record.name,
    level: "ERROR",
    message: `Workflow failed${step === undefined ? "" : ` in step "${step}"`}: ${what}`,
    createdAt: time,
  };
  if (step !== undefined) log.step = step;
  return log;
}

/** Fills in the end of a run: completion time, result, error, and its driver task. */
function end(
  t: Transition,
  record: WorkflowRecord,
  output: ActivationOutput,
  acc: Accounting,
  time: number,
): void {
  record.completedAt = time;
  t.result = output.state ?? {};
  if (output.status === WorkflowStatus.Cancelled) {
    const ended = output.outbound.find((e) => e.type === EventType.WorkflowCancelled);
    const reason = ended?.type === EventType.WorkflowCancelled ? ended.payload.reason : "cancelled";
    record.error = serializeError(new WorkflowCancelledError(reason)) as never;
  } else if (output.error !== undefined) {
    record.error = output.error as never;
  }
  if (acc.stepTask !== undefined) {
    acc.stepTask = {
      ...acc.stepTask,
      status: output.status === WorkflowStatus.Completed ? TaskStatus.Completed : TaskStatus.Failed,
      updatedAt: time,
      ...(output.error === undefined ? {} : { lastError: output.error.message }),
    };
  }
}

/**
 * Lists the run's open tasks in its record: the driver task first, then the open activity and
 * timer tasks in the order they were opened, at most {@linkcode MAX_OPEN_TASKS}.
 */
function listOpenTasks(
  record: WorkflowRecord,
  run: RunState,
  changed: ReadonlyMap<number, TaskRecord>,
  stepTask: TaskRecord | undefined,
): void {
  const open = stepTask === undefined ? [] : [stepTask];
  let total = open.length;
  for (const [seq, task] of run.tasks) {
    const now = changed.get(seq) ?? task;
    if (isDone(now)) continue;
    total++;
    if (open.length < MAX_OPEN_TASKS) open.push(now);
  }
  for (const [seq, task] of changed) {
    if (run.tasks.has(seq) || isDone(task)) continue;
    total++;
    if (open.length < MAX_OPEN_TASKS) open.push(task);
  }
  record.tasks = open;
  if (total > open.length) record.tasksOmitted = total - open.length;
  else delete record.tasksOmitted;
}

/** Tasks, wake-ups and effects of the events of one step, event by event. */
class Accounting {
  readonly tasks = new Map<number, TaskRecord>();
  readonly wakeups: WakeupChange[] = [];
  readonly effects: Effect[] = [];
  stepTask: TaskRecord | undefined;
  readonly #run: RunState;
  readonly #time: number;

  constructor(run: RunState, time: number) {
    this.#run = run;
    this.#time = time;
    this.stepTask = run.stepTask;
  }

  #task(seq: number): TaskRecord | undefined {
    return this.tasks.get(seq) ?? this.#run.tasks.get(seq);
  }

  #open(id: number, kind: TaskKind, target: string, patch: Partial<TaskRecord>): TaskRecord {
    const time = this.#time;
    return {
      id,
      workflowId: this.#run.record.id,
      workflowName: this.#run.record.name,
      kind,
      target,
      status: TaskStatus.Running,
      attempts: 1,
      maxAttempts: 1,
      runAt: time,
      createdAt: time,
      updatedAt: time,
      ...patch,
    };
  }

  #update(id: number, seq: number, kind: TaskKind, target: string, patch: Partial<TaskRecord>) {
    // A task left out of a large record is rebuilt from what the event tells.
    const old = this.#task(seq) ?? this.#open(id, kind, target, { seq });
    this.tasks.set(seq, { ...old, ...patch, updatedAt: this.#time });
  }

  account(e: WorkflowEvent, id: number): void {
    switch (e.type) {
      case EventType.WorkflowStarted:
        this.stepTask = this.#open(id, TaskKind.Step, this.#run.record.name, {});
        break;
      case EventType.ActivityScheduled: {
        const { seq, name, args } = e.payload;
        this.tasks.set(
          seq,
          this.#open(id, TaskKind.Activity, name, { maxAttempts: e.payload.retry_count + 1, seq }),
        );
        this.effects.push({ kind: "dispatch", seq, name, args });
        break;
      }
      case EventType.ActivityRetrying: {
        const { seq, name, next_attempt_at_ms: at } = e.payload;
        this.#update(id, seq, TaskKind.Activity, name, {
          status: TaskStatus.Pending,
          attempts: e.payload.attempt,
          runAt: at,
          lastError: e.payload.error,
        });
        this.wakeups.push({ op: "arm", seq, dueAt: at });
        this.effects.push({ kind: "retry", seq, at });
        break;
      }
      case EventType.ActivityCompleted:
      case EventType.ActivityFailed:
      case EventType.ActivityCancelled: {
        const { seq, name } = e.payload;
        for (const dueAt of this.#run.retriesArmed(seq) ?? []) {
          this.wakeups.push({ op: "disarm", seq, dueAt });
        }
        const patch: Partial<TaskRecord> = e.type === EventType.ActivityCompleted
          ? { status: TaskStatus.Completed, attempts: e.payload.attempt }
          : e.type === EventType.ActivityFailed
          ? { status: TaskStatus.Failed, attempts: e.payload.attempts, lastError: e.payload.error }
          : {
            status: TaskStatus.Failed,
            lastError: `cancelled: ${e.payload.reason.slice(0, 1000)}`,
          };
        this.#update(id, seq, TaskKind.Activity, name, patch);
        // Only a cancelled call may still be running; a finished one just leaves.
        this.effects.push({ kind: "abort", seq, cancel: e.type === EventType.ActivityCancelled });
        break;
      }
      case EventType.TimerScheduled: {
        const { seq, fire_at_ms: at } = e.payload;
        this.tasks.set(
          seq,
          this.#open(id, TaskKind.Timer, "__timer__", {
            status: TaskStatus.Pending,
            attempts: 0,
            runAt: at,
            seq,
          }),
        );
        this.wakeups.push({ op: "arm", seq, dueAt: at });
        this.effects.push({ kind: "timer", seq, at });
        break;
      }
      case EventType.TimerFired:
      case EventType.TimerCancelled: {
        const seq = e.payload.seq;
        const due = this.#task(seq)?.runAt ?? this.#run.timers.get(seq);
        if (due !== undefined) this.wakeups.push({ op: "disarm", seq, dueAt: due });
        this.#update(
          id,
          seq,
          TaskKind.Timer,
          "__timer__",
          e.type === EventType.TimerFired
            ? { status: TaskStatus.Completed, attempts: 1 }
            : { status: TaskStatus.Failed, lastError: "cancelled" },
        );
        this.effects.push({ kind: "clear", seq });
        break;
      }
      default:
        break;
    }
  }
}
