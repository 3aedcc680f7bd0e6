/**
 * The workflow state machine: runs a workflow's steps against a context whose durable calls turn
 * into events. Inbound events (resolutions) go in, outbound events (commands) come out; no store,
 * no clock, no I/O. Suspension is a promise that does not resolve in this activation, so user
 * `try/catch` cannot break it.
 *
 * @module
 */

import { type Duration, toMilliseconds } from "../duration.ts";
import {
  ActivityFailedError,
  deserializeError,
  HookTimeoutError,
  InvalidArgumentError,
  type SerializedError,
  serializeError,
  SignalTimeoutError,
  WorkflowCancelledError,
  WorkflowStuckError,
} from "../errors.ts";
import { cloneJson, type JsonObject, type JsonValue, toJson } from "../json.ts";
import type { LogLevel, WorkflowContext, WorkflowLogger } from "./context.ts";
import { activityDefinitionOf, type WorkflowDefinition } from "./definitions.ts";
import {
  type EventPayloads,
  EventType,
  type EventType as EventTypeName,
  isoTime,
  type WorkflowEvent,
  WorkflowStatus,
} from "./events.ts";
import { HookHandle, HookSlots } from "./hooks.ts";
import { hashSeed, seededRandom, uuidFrom } from "./random.ts";
import { checkStreamName, checkStreamValue, StreamWriter } from "./streams.ts";

/** One activation: the resolutions delivered to the code at one moment. */
export interface Activation {
  /** The moment of the activation; `ctx.now()` returns it. */
  time: number;
  /** Resolutions, in order. */
  inbound: WorkflowEvent[];
  /** `true` while re-running recorded history (the logger is silent). */
  replaying?: boolean;
}

/** A log entry made by workflow code. */
export interface LogLine {
  /** Level. */
  level: LogLevel;
  /** Text. */
  message: string;
  /** Time of the activation that logged it. */
  time: number;
  /** Step that was running. */
  step?: string;
}

/** What one activation produced. */
export interface ActivationOutput {
  /** The resolutions the workflow accepted (others were moot: cancelled or unknown). */
  inbound: WorkflowEvent[];
  /** The events the code made. */
  outbound: WorkflowEvent[];
  /** Step that made each outbound event. */
  outboundSteps: (string | undefined)[];
  /** Log entries (none while replaying). */
  logs: LogLine[];
  /** Status after the activation. */
  status: WorkflowStatus;
  /** The final state, once the run has ended. */
  state?: JsonObject;
  /** The error, when the run failed. */
  error?: SerializedError;
}

/** Identity and code of a run. */
export interface MachineOptions {
  /** The run's id. */
  workflowId: string;
  /** The definition it runs. */
  definition: WorkflowDefinition;
  /** The run's input. */
  input: JsonValue;
}

type Settle = {
  resolve: (value: JsonValue | undefined) => void;
  reject: (error: Error) => void;
};
type PendingOp =
  | { kind: "activity"; name: string }
  | { kind: "timer" }
  | { kind: "signal"; name: string; timer: boolean; timeoutMs: number }
  /** `ctx.createHook()` waits for the engine's `HOOK_CREATED`. */
  | { kind: "hookCreate" }
  /** A created hook, open until it is called, times out or is closed. */
  | { kind: "hook"; timer: boolean; timeoutMs: number; hash: string };
type Pending = Settle & PendingOp;

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Longest log message kept (longer ones are cut), so a log entry always fits a KV value. */
export const MAX_LOG_MESSAGE = 16_384;

const never = <T>(): Promise<T> => new Promise<T>(() => {});

/** Runs one workflow's code; see the module doc. */
export class WorkflowMachine {
  readonly #id: string;
  readonly #def: WorkflowDefinition;
  readonly #input: JsonValue;
  readonly #random: () => number;
  readonly #pending = new Map<number, Pending>();
  readonly #waiters = new Map<string, number[]>();
  readonly #buffer = new Map<string, JsonValue[]>();
  readonly #hooks = new HookSlots();
  /** Values written to each stream so far (the next write's index). */
  readonly #streams = new Map<string, number>();
  #seq = 0;
  #state: JsonObject = {};
  #batch: JsonObject | undefined;
  #batchChanged = false;
  #out: WorkflowEvent[] = [];
  #outSteps: (string | undefined)[] = [];
  #accepted: WorkflowEvent[] = [];
  #logs: LogLine[] = [];
  #status: WorkflowStatus = WorkflowStatus.Running;
  #error: SerializedError | undefined;
  #started = false;
  #activating = false;
  #replaying = false;
  #time = 0;
  #step: string | undefined;
  #cancelReason: string | undefined;
  #cancelNext = false;
  #violation: Error | undefined;
  /** The context handed to the steps. */
  readonly context: WorkflowContext<never, Record<string, never>>;

  /**
   * Creates the machine of one run.
   *
   * @param options The run's identity and definition.
   */
  constructor(options: MachineOptions) {
    this.#id = options.workflowId;
    this.#def = options.definition;
    this.#input = deepFreeze(cloneJson(options.input));
    this.#random = seededRandom(hashSeed(options.workflowId));
    this.context = this.#makeContext() as WorkflowContext<never, Record<string, never>>;
  }

  /** Current status. */
  get status(): WorkflowStatus {
    return this.#status;
  }

  /** Step that is running, if any. */
  get step(): string | undefined {
    return this.#step;
  }

  /** Number of durable calls waiting for a resolution. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Delivers an activation's resolutions. The code then runs in microtasks; call
   * {@linkcode WorkflowMachine.collect} after a macrotask boundary.
   *
   * @param activation Time and resolutions.
   */
  deliver(activation: Activation): void {
    this.#time = activation.time;
    this.#replaying = activation.replaying ?? false;
    this.#activating = true;
    for (const event of activation.inbound) {
      if (this.#apply(event)) this.#accepted.push(event);
    }
  }

  /**
   * Ends the activation: returns what the code made, and fails a run that is neither finished nor
   * waiting on a durable call (it awaited something else).
   *
   * @returns The activation's output.
   */
  collect(): ActivationOutput {
    if (this.#status === WorkflowStatus.Running && this.#started) {
      if (this.#violation !== undefined) {
        this.#fail(this.#violation);
      } else if (this.#pending.size === 0) {
        this.#fail(
          new WorkflowStuckError(
            `Workflow "${this.#def.name}" (id "${this.#id}") is stuck in step "${
              this.#step ?? "?"
            }": it awaited something that is not a durable call (such as fetch() or setTimeout()), so it can never resume; do I/O in an activity and wait with ctx.sleep()`,
          ),
        );
      }
    }
    this.#activating = false;
    const output: ActivationOutput = {
      inbound: this.#accepted,
      outbound: this.#out,
      outboundSteps: this.#outSteps,
      logs: this.#logs,
      status: this.#status,
    };
    if (this.#status !== WorkflowStatus.Running) output.state = cloneJson(this.#state);
    if (this.#error !== undefined) output.error = this.#error;
    this.#accepted = [];
    this.#out = [];
    this.#outSteps = [];
    this.#logs = [];
    return output;
  }

  // ---- resolutions ----

  #apply(event: WorkflowEvent): boolean {
    if (this.#status !== WorkflowStatus.Running) return false;
    switch (event.type) {
      case EventType.WorkflowStarted:
        if (this.#started) return false;
        this.#started = true;
        void this.#run();
        return true;
      case EventType.ActivityCompleted: {
        const op = this.#take(event.payload.seq, "activity");
        op?.resolve(cloneJson(event.payload.result));
        return op !== undefined;
      }
      case EventType.ActivityFailed: {
        const op = this.#take(event.payload.seq, "activity");
        if (op === undefined) return false;
        const cause = deserializeError(event.payload.error_detail);
        op.reject(new ActivityFailedError(event.payload.name, event.payload.error, { cause }));
        return true;
      }
      case EventType.TimerFired:
        return this.#fireTimer(event.payload.seq);
      case EventType.SignalReceived:
        this.#receiveSignal(event.payload.name, event.payload.payload);
        return true;
      case EventType.HookCreated:
        return this.#hookCreated(event.payload);
      case EventType.HookReceived: {
        const op = this.#take(event.payload.seq, "hook");
        if (op === undefined) return false;
        if (op.kind === "hook" && op.timer) {
          this.#emit(EventType.TimerCancelled, {
            seq: event.payload.seq,
            timer_id: this.#timerId(event.payload.seq),
          });
        }
        op.resolve(cloneJson(event.payload.payload));
        return true;
      }
      case EventType.CancelRequested:
        if (this.#cancelReason !== undefined) return false;
        this.#cancelReason = event.payload.reason;
        this.#cancelAll(new WorkflowCancelledError(event.payload.reason), event.payload.reason);
        return true;
      default:
        return false;
    }
  }

  #take(seq: number, kind: Pending["kind"]): Pending | undefined {
    const op = this.#pending.get(seq);
    if (op === undefined || op.kind !== kind) return undefined;
    this.#pending.delete(seq);
    return op;
  }

  #fireTimer(seq: number): boolean {
    const op = this.#pending.get(seq);
    if (op === undefined) return false;
    if (op.kind === "timer") {
      this.#pending.delete(seq);
      op.resolve(undefined);
      return true;
    }
    if (op.kind === "hook" && op.timer) {
      this.#pending.delete(seq);
      op.reject(new HookTimeoutError(op.timeoutMs));
      return true;
    }
    if (op.kind === "signal" && op.timer) {
      this.#pending.delete(seq);
      const queue = this.#waiters.get(op.name) ?? [];
      const at = queue.indexOf(seq);
      if (at >= 0) queue.splice(at, 1);
      op.reject(new SignalTimeoutError(op.name, op.timeoutMs));
      return true;
    }
    return false;
  }

  #receiveSignal(name: string, data: JsonValue): void {
    const queue = this.#waiters.get(name);
    const seq = queue?.shift();
    const op = seq === undefined ? undefined : this.#pending.get(seq);
    if (seq === undefined || op === undefined || op.kind !== "signal") {
      const buffered = this.#buffer.get(name) ?? [];
      buffered.push(data);
      this.#buffer.set(name, buffered);
      return;
    }
    this.#pending.delete(seq);
    if (op.timer) this.#emit(EventType.TimerCancelled, { seq, timer_id: this.#timerId(seq) });
    op.resolve(cloneJson(data));
  }

  #cancelAll(error: Error | undefined, reason: string): void {
    if (this.#pending.size === 0 && error !== undefined) this.#cancelNext = true;
    const ops = [...this.#pending].sort((a, b) => a[0] - b[0]);
    this.#pending.clear();
    this.#waiters.clear();
    for (const [seq, op] of ops) {
      if (op.kind === "activity") {
        this.#emit(EventType.ActivityCancelled, { seq, name: op.name, reason });
      } else if (op.kind === "timer" || (op.kind !== "hookCreate" && op.timer)) {
        this.#emit(EventType.TimerCancelled, { seq, timer_id: this.#timerId(seq) });
      }
      if (op.kind === "hook") {
        this.#emit(EventType.HookClosed, { seq, token_hash: op.hash, reason });
      }
      if (error !== undefined) op.reject(error);
    }
  }

  // ---- the run ----

  async #run(): Promise<void> {
    const self = this.#def.create();
    try {
      for (const step of this.#def.steps) {
        this.#step = step.name;
        this.#emit(EventType.StepStart, {
          step_name: step.name,
          step_fn: step.fn,
          started_at: isoTime(this.#time),
        });
        await step.run(self, this.context as never);
        if (this.#status !== WorkflowStatus.Running) return;
        this.#emit(EventType.StepEnd, { step_name: step.name, completed_at: isoTime(this.#time) });
      }
      if (this.#status !== WorkflowStatus.Running) return;
      this.#end(WorkflowStatus.Completed);
    } catch (e) {
      if (this.#status !== WorkflowStatus.Running) return;
      if (e instanceof WorkflowCancelledError && this.#cancelReason !== undefined) {
        this.#end(WorkflowStatus.Cancelled);
      } else {
        this.#fail(e);
      }
    }
  }

  #fail(error: unknown): void {
    this.#error = serializeError(error);
    this.#end(WorkflowStatus.Failed);
  }

  #end(status: WorkflowStatus): void {
    if (!this.#activating) {
      this.#outside(`to finish as ${status}`);
      return;
    }
    this.#cancelAll(undefined, `workflow ${status.toLowerCase()}`);
    const at = isoTime(this.#time);
    if (status === WorkflowStatus.Completed) {
      this.#emit(EventType.WorkflowCompleted, { completed_at: at });
    } else if (status === WorkflowStatus.Cancelled) {
      this.#emit(EventType.WorkflowCancelled, {
        reason: this.#cancelReason ?? "cancelled",
        canceled_at: at,
      });
    } else {
      const error = this.#error as SerializedError;
      const payload: {
        error: string;
        error_detail: SerializedError;
        failed_at: string;
        step?: string;
      } = { error: error.message, error_detail: error, failed_at: at };
      if (this.#step !== undefined) payload.step = this.#step;
      this.#emit(EventType.WorkflowFailed, payload);
    }
    this.#status = status;
  }

  #emit<T extends EventTypeName>(
    type: T,
    payload: Extract<WorkflowEvent, { type: T }>["payload"],
  ): void {
    if (!this.#activating) {
      this.#outside(`to record ${type}`);
      return;
    }
    this.#out.push({ type, payload } as WorkflowEvent);
    this.#outSteps.push(this.#step);
  }

  /** Notes that the code moved on outside an activation; the next activation fails the run. */
  #outside(what: string): void {
    this.#violation ??= new WorkflowStuckError(
      `Workflow "${this.#def.name}" (id "${this.#id}") went on ${what} in step "${
        this.#step ?? "?"
      }" after awaiting something that is not a durable call (such as fetch() or setTimeout()); do I/O in an activity and wait with ctx.sleep()`,
    );
  }

  #timerId(seq: number): string {
    return `${this.#id}:${seq}`;
  }

  /**
   * Starts a durable call: checks that the run can make one now, and gives it a seq.
   * Returns a promise instead when the call must not start (run over, or cancelled).
   */
  #begin(what: string): number | Promise<never> {
    if (this.#status !== WorkflowStatus.Running) return never();
    if (!this.#activating) {
      this.#outside(`to call ${what}`);
      return never();
    }
    if (this.#cancelNext) {
      this.#cancelNext = false;
      return Promise.reject(new WorkflowCancelledError(this.#cancelReason ?? "cancelled"));
    }
    return ++this.#seq;
  }

  #wait<T>(seq: number, op: PendingOp): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(seq, { ...op, resolve: resolve as Settle["resolve"], reject });
    });
  }

  #hookCreated(p: EventPayloads["HOOK_CREATED"]): boolean {
    const op = this.#take(p.seq, "hookCreate");
    if (op === undefined) return false;
    const timed = p.expires_at_ms !== undefined;
    if (p.expires_at_ms !== undefined) {
      this.#emit(EventType.TimerScheduled, {
        seq: p.seq,
        timer_id: this.#timerId(p.seq),
        fire_at: isoTime(p.expires_at_ms),
        fire_at_ms: p.expires_at_ms,
        purpose: "hook_timeout",
      });
    }
    const seq = p.seq;
    this.#hooks.open(seq);
    this.#pending.set(seq, {
      kind: "hook",
      timer: timed,
      timeoutMs: p.timeout_ms ?? 0,
      hash: p.token_hash,
      resolve: (value) => this.#hooks.settle(seq, { ok: true, value: value ?? null }),
      reject: (error) => this.#hooks.settle(seq, { ok: false, error }),
    });
    (op.resolve as (hook: unknown) => void)(new HookHandle(this, seq, p));
    return true;
  }

  // ---- context ----

  #makeContext(): WorkflowContext<JsonValue, Record<string, JsonValue>> {
    return new Context(this, this.#id, this.#def.name) as unknown as WorkflowContext<
      JsonValue,
      Record<string, JsonValue>
    >;
  }

  // The methods below serve the context objects (prototype methods, so that a waiting run costs
  // no closures); workflow code reaches them through `ctx`.

  /** The run's input (frozen). */
  get input(): JsonValue {
    return this.#input;
  }

  /** `true` while re-running recorded history. */
  get replaying(): boolean {
    return this.#replaying;
  }

  /**
   * Records a log line (not while replaying).
   *
   * @param level Level.
   * @param message Text.
   */
  log(level: LogLevel, message: unknown): void {
    if (this.#replaying || !this.#activating) return;
    const text = String(message);
    const line: LogLine = {
      level,
      message: text.length <= MAX_LOG_MESSAGE
        ? text
        : `${text.slice(0, MAX_LOG_MESSAGE)}… (truncated)`,
      time: this.#time,
    };
    if (this.#step !== undefined) line.step = this.#step;
    this.#logs.push(line);
  }

  /**
   * `ctx.activity()`.
   *
   * @param fn The activity.
   * @param args Its arguments.
   * @returns Its result.
   */
  callActivity<R>(fn: unknown, args: unknown[]): Promise<R> {
    return this.#activity<R>(fn, args);
  }

  /**
   * `ctx.sleep()`.
   *
   * @param duration How long.
   * @returns Resolves when the timer fires.
   */
  callSleep(duration: Duration): Promise<void> {
    return this.#sleep(toMilliseconds(duration, "sleep duration"));
  }

  /**
   * `ctx.sleepUntil()`.
   *
   * @param when The moment.
   * @returns Resolves when the timer fires.
   */
  callSleepUntil(when: Date | number | string): Promise<void> {
    const at = when instanceof Date ? when.getTime() : new Date(when).getTime();
    if (!Number.isFinite(at)) {
      throw new InvalidArgumentError(`Invalid sleepUntil time: ${String(when)}`);
    }
    return this.#sleep(Math.max(0, at - this.#time));
  }

  /**
   * `ctx.waitForSignal()`.
   *
   * @param name Signal name.
   * @param timeout Optional timeout.
   * @returns The signal's data.
   */
  callWaitForSignal<T>(name: string, timeout: unknown): Promise<T> {
    return this.#waitForSignal<T>(name, timeout);
  }

  /**
   * `ctx.createHook()`.
   *
   * @param timeout Optional timeout.
   * @returns The hook, once the engine has minted it.
   */
  callCreateHook(timeout: unknown): Promise<unknown> {
    const timeoutMs = timeout === undefined
      ? undefined
      : toMilliseconds(timeout as never, "hook timeout");
    const seq = this.#begin("createHook()");
    if (typeof seq !== "number") return seq;
    const payload: { seq: number; timeout_ms?: number } = { seq };
    if (timeoutMs !== undefined) payload.timeout_ms = timeoutMs;
    this.#emit(EventType.HookRequested, payload);
    return this.#wait(seq, { kind: "hookCreate" });
  }

  /**
   * `hook.wait()`.
   *
   * @param seq The hook's seq.
   * @returns The body it is called with.
   */
  hookWait(seq: number): Promise<JsonValue> {
    if (this.#status !== WorkflowStatus.Running) return never();
    return this.#hooks.wait(seq);
  }

  /**
   * `ctx.stream(name).write(value)`: one `STREAM_APPENDED` event.
   *
   * @param name The stream.
   * @param value A JSON value.
   * @returns A resolved promise.
   */
  streamWrite(name: string, value: unknown): Promise<void> {
    checkStreamName(name);
    const copy = deepFreeze(checkStreamValue(name, value));
    if (!this.#guard(`stream("${name}").write()`)) return Promise.resolve();
    const index = this.#streams.get(name) ?? 0;
    this.#streams.set(name, index + 1);
    this.#emit(EventType.StreamAppended, { name, index, value: copy });
    return Promise.resolve();
  }

  /**
   * The activation's time.
   *
   * @returns The time.
   */
  now(): Date {
    return new Date(this.#time);
  }

  /**
   * The next number of the run's seeded sequence.
   *
   * @returns A number in [0, 1).
   */
  random(): number {
    return this.#random();
  }

  /**
   * A UUID from the run's seeded sequence.
   *
   * @returns The UUID.
   */
  uuid(): string {
    return uuidFrom(this.#random);
  }

  #activity<R>(fn: unknown, args: unknown[]): Promise<R> {
    const def = activityDefinitionOf(fn);
    if (def === undefined) {
      const name = typeof fn === "function" ? fn.name || "anonymous" : String(fn);
      throw new InvalidArgumentError(
        `Cannot call "${name}" as an activity: it was not defined with activity()`,
      );
    }
    const payload = toJson(args, `${def.name}.args`) as JsonValue[];
    const seq = this.#begin(`activity "${def.name}"`);
    if (typeof seq !== "number") return seq;
    this.#emit(EventType.ActivityScheduled, {
      seq,
      name: def.name,
      description: def.description,
      retry_count: def.retryCount,
      timeout_seconds: def.timeoutSeconds,
      func: def.func,
      module: def.module,
      args: payload,
    });
    return this.#wait<R>(seq, { kind: "activity", name: def.name });
  }

  #sleep(ms: number): Promise<void> {
    const seq = this.#begin("sleep");
    if (typeof seq !== "number") return seq;
    const at = this.#time + ms;
    this.#emit(EventType.TimerScheduled, {
      seq,
      timer_id: this.#timerId(seq),
      fire_at: isoTime(at),
      fire_at_ms: at,
      purpose: "sleep",
    });
    return this.#wait<void>(seq, { kind: "timer" });
  }

  #waitForSignal<T>(name: string, timeout: unknown): Promise<T> {
    if (typeof name !== "string" || name === "") {
      throw new InvalidArgumentError("waitForSignal needs a signal name");
    }
    const timeoutMs = timeout === undefined
      ? undefined
      : toMilliseconds(timeout as never, "signal timeout");
    const seq = this.#begin(`waitForSignal("${name}")`);
    if (typeof seq !== "number") return seq;
    const waiting: { seq: number; name: string; timeout_ms?: number } = { seq, name };
    if (timeoutMs !== undefined) waiting.timeout_ms = timeoutMs;
    this.#emit(EventType.SignalWaiting, waiting);
    const buffered = this.#buffer.get(name);
    if (buffered !== undefined && buffered.length > 0) {
      const data = buffered.shift() as JsonValue;
      if (buffered.length === 0) this.#buffer.delete(name);
      return Promise.resolve(cloneJson(data) as T);
    }
    if (timeoutMs !== undefined) {
      const at = this.#time + timeoutMs;
      this.#emit(EventType.TimerScheduled, {
        seq,
        timer_id: this.#timerId(seq),
        fire_at: isoTime(at),
        fire_at_ms: at,
        purpose: "signal_timeout",
        signal: name,
      });
    }
    const queue = this.#waiters.get(name) ?? [];
    queue.push(seq);
    this.#waiters.set(name, queue);
    return this.#wait<T>(seq, {
      kind: "signal",
      name,
      timer: timeoutMs !== undefined,
      timeoutMs: timeoutMs ?? 0,
    });
  }

  #current(): JsonObject {
    return this.#batch ?? this.#state;
  }

  #guard(what: string): boolean {
    if (this.#status !== WorkflowStatus.Running) return false;
    if (!this.#activating) {
      this.#outside(`to call ${what}`);
      return false;
    }
    return true;
  }

  /**
   * `ctx.state.get()`.
   *
   * @param key Key.
   * @param fallback Value when unset.
   * @returns The value.
   */
  stateGet(key: string, fallback?: JsonValue): JsonValue | undefined {
    const value = this.#current()[key];
    return value === undefined ? fallback : value;
  }

  /**
   * `ctx.state.set()`.
   *
   * @param key Key.
   * @param value JSON value.
   * @returns A resolved promise.
   */
  stateSet(key: string, value: unknown): Promise<void> {
    if (typeof key !== "string" || key === "") {
      throw new InvalidArgumentError("state.set needs a non-empty string key");
    }
    const copy = deepFreeze(toJson(value, `state.${key}`));
    if (!this.#guard(`state.set("${key}")`)) return Promise.resolve();
    if (this.#batch !== undefined) {
      this.#batch[key] = copy;
      this.#batchChanged = true;
    } else {
      this.#state = { ...this.#state, [key]: copy };
      this.#emit(EventType.StateSet, { key, value: copy });
    }
    return Promise.resolve();
  }

  /**
   * `ctx.state.update()`.
   *
   * @param fn Returns the whole new state.
   * @returns A resolved promise.
   */
  stateUpdate(fn: (state: JsonObject) => unknown): Promise<void> {
    const next = fn(cloneJson(this.#current()));
    if (typeof next !== "object" || next === null || Array.isArray(next)) {
      throw new InvalidArgumentError("state.update must return an object: the whole new state");
    }
    const copy = deepFreeze(toJson(next, "state")) as JsonObject;
    if (!this.#guard("state.update()")) return Promise.resolve();
    if (this.#batch !== undefined) {
      this.#batch = { ...copy };
      this.#batchChanged = true;
    } else {
      this.#state = copy;
      this.#emit(EventType.StateUpdate, { state: copy });
    }
    return Promise.resolve();
  }

  /**
   * `ctx.state.batch()`.
   *
   * @param fn Runs the sets and updates to group.
   */
  async stateBatch(fn: () => Promise<void> | void): Promise<void> {
    if (this.#batch !== undefined) {
      throw new InvalidArgumentError("state.batch() cannot be nested");
    }
    this.#batch = { ...this.#state };
    this.#batchChanged = false;
    try {
      await fn();
    } catch (e) {
      this.#batch = undefined;
      throw e;
    }
    const batch = this.#batch;
    this.#batch = undefined;
    if (!this.#batchChanged || !this.#guard("state.batch()")) return;
    this.#state = deepFreeze(batch);
    this.#emit(EventType.StateUpdate, { state: this.#state });
  }

  /**
   * A copy of the whole state.
   *
   * @returns The state.
   */
  stateSnapshot(): JsonObject {
    return cloneJson(this.#current());
  }
}

/** `ctx.state`: prototype methods over the machine. */
class StateAccess {
  readonly #m: WorkflowMachine;
  constructor(m: WorkflowMachine) {
    this.#m = m;
  }
  get(key: string, fallback?: JsonValue): JsonValue | undefined {
    return this.#m.stateGet(key, fallback);
  }
  set(key: string, value: unknown): Promise<void> {
    return this.#m.stateSet(key, value);
  }
  update(fn: (state: JsonObject) => unknown): Promise<void> {
    return this.#m.stateUpdate(fn);
  }
  batch(fn: () => Promise<void> | void): Promise<void> {
    return this.#m.stateBatch(fn);
  }
  snapshot(): JsonObject {
    return this.#m.stateSnapshot();
  }
}

/** `ctx.logger`: prototype methods over the machine. */
class Logger implements WorkflowLogger {
  readonly #m: WorkflowMachine;
  constructor(m: WorkflowMachine) {
    this.#m = m;
  }
  debug(message: string): void {
    this.#m.log("DEBUG", message);
  }
  info(message: string): void {
    this.#m.log("INFO", message);
  }
  warning(message: string): void {
    this.#m.log("WARNING", message);
  }
  warn(message: string): void {
    this.#m.log("WARNING", message);
  }
  error(message: string): void {
    this.#m.log("ERROR", message);
  }
}

/** `ctx`: prototype methods over the machine (call them as methods of `ctx`). */
class Context {
  readonly #m: WorkflowMachine;
  readonly workflowId: string;
  readonly workflowName: string;
  readonly state: StateAccess;
  readonly logger: Logger;
  constructor(m: WorkflowMachine, workflowId: string, workflowName: string) {
    this.#m = m;
    this.workflowId = workflowId;
    this.workflowName = workflowName;
    this.state = new StateAccess(m);
    this.logger = new Logger(m);
  }
  get input(): JsonValue {
    return this.#m.input;
  }
  get isReplaying(): boolean {
    return this.#m.replaying;
  }
  activity(fn: unknown, ...args: unknown[]): Promise<unknown> {
    return this.#m.callActivity(fn, args);
  }
  sleep(duration: Duration): Promise<void> {
    return this.#m.callSleep(duration);
  }
  sleepUntil(when: Date | number | string): Promise<void> {
    return this.#m.callSleepUntil(when);
  }
  waitForSignal(name: string, options?: { timeout?: Duration }): Promise<unknown> {
    return this.#m.callWaitForSignal(name, options?.timeout);
  }
  createHook(options?: { timeout?: Duration }): Promise<unknown> {
    return this.#m.callCreateHook(options?.timeout);
  }
  stream(name: string): StreamWriter {
    return new StreamWriter(this.#m, name);
  }
  now(): Date {
    return this.#m.now();
  }
  random(): number {
    return this.#m.random();
  }
  uuid(): string {
    return this.#m.uuid();
  }
}
