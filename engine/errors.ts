/**
 * The engine's error catalogue: one subclass per condition a caller catches, each with a
 * stable string `code`, and a way to carry errors across KV and `postMessage` as plain data.
 *
 * @module
 */

/** Every error code the engine produces. */
export const ErrorCode = {
  WorkflowNotFound: "WORKFLOW_NOT_FOUND",
  WorkflowStillRunning: "WORKFLOW_STILL_RUNNING",
  WorkflowExecution: "WORKFLOW_EXECUTION_FAILED",
  WorkflowNotRunning: "WORKFLOW_NOT_RUNNING",
  WorkflowAlreadyExists: "WORKFLOW_ALREADY_EXISTS",
  WorkflowCancelled: "WORKFLOW_CANCELLED",
  WorkflowStuck: "WORKFLOW_STUCK",
  ActivityFailed: "ACTIVITY_FAILED",
  ActivityTimeout: "ACTIVITY_TIMEOUT",
  SignalTimeout: "SIGNAL_TIMEOUT",
  HookTimeout: "HOOK_TIMEOUT",
  HookNotFound: "HOOK_NOT_FOUND",
  HookExpired: "HOOK_EXPIRED",
  NonDeterministic: "NON_DETERMINISTIC",
  DefinitionNotFound: "DEFINITION_NOT_FOUND",
  DuplicateDefinition: "DUPLICATE_DEFINITION",
  InvalidDefinition: "INVALID_DEFINITION",
  InvalidPayload: "INVALID_PAYLOAD",
  InvalidArgument: "INVALID_ARGUMENT",
  SchemaVersion: "SCHEMA_VERSION",
  OwnerLease: "OWNER_LEASE",
  LeaseLost: "LEASE_LOST",
  EngineNotFound: "ENGINE_NOT_FOUND",
  EngineClosed: "ENGINE_CLOSED",
  Storage: "STORAGE_ERROR",
  StorageUnavailable: "STORAGE_UNAVAILABLE",
  StoredDataUnreadable: "STORED_DATA_UNREADABLE",
  ModuleLoad: "MODULE_LOAD_FAILED",
  WorkerCrashed: "WORKER_CRASHED",
  UnstableFeatureMissing: "UNSTABLE_FEATURE_MISSING",
  ScheduleNotFound: "SCHEDULE_NOT_FOUND",
  ScheduleAlreadyExists: "SCHEDULE_ALREADY_EXISTS",
  Internal: "INTERNAL",
} as const;

/** A value of {@linkcode ErrorCode}. */
export type ErrorCode = typeof ErrorCode[keyof typeof ErrorCode];

/** Marks Loom's errors, whichever copy of Loom made them (`Symbol.for`, so that copies agree). */
const LOOM_ERROR = Symbol.for("loom.error");

/**
 * Base class of every error the engine throws on purpose. `instanceof` also recognises the errors
 * of another copy of Loom in the same isolate (a workflow module that imports `main.ts` by URL
 * while the engine runs from a path): an error is an instance of a Loom error class when it is a
 * Loom error and a class of the same name is in its prototype chain.
 */
export class LoomError extends Error {
  /** Stable machine-readable code of the condition. */
  readonly code: ErrorCode;

  /**
   * `instanceof` across copies of Loom.
   *
   * @param value Anything.
   * @returns Whether `value` is an error of this class, made by this or another copy of Loom.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== "object" || value === null || !(LOOM_ERROR in value)) return false;
    for (let p = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
      if (
        Object.hasOwn(p, "constructor") && (p.constructor as { name?: unknown }).name === this.name
      ) {
        return true;
      }
    }
    return false;
  }

  static {
    Object.defineProperty(this.prototype, LOOM_ERROR, { value: true });
  }

  /**
   * Creates the error.
   *
   * @param code The condition's code.
   * @param message A sentence naming the problem.
   * @param options Standard error options (`cause`).
   */
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** No workflow run exists with the given id. */
export class WorkflowNotFoundError extends LoomError {
  /** The id that was looked up. */
  readonly workflowId: string;
  /**
   * Creates the error.
   *
   * @param workflowId The id that was looked up.
   */
  constructor(workflowId: string) {
    super(ErrorCode.WorkflowNotFound, `Workflow "${workflowId}" not found`);
    this.workflowId = workflowId;
  }
}

/** A non-waiting read of a result found the workflow still running. */
export class WorkflowStillRunningError extends LoomError {
  /**
   * Creates the error.
   *
   * @param workflowId The running workflow.
   */
  constructor(workflowId: string) {
    super(ErrorCode.WorkflowStillRunning, `Workflow "${workflowId}" is still running`);
  }
}

/** The workflow failed with an error that was not an activity failure nor a cancellation. */
export class WorkflowExecutionError extends LoomError {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options `cause`: the error the workflow code threw.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.WorkflowExecution, message, options);
  }
}

/** A signal or cancel was sent to a workflow that has already finished. */
export class WorkflowNotRunningError extends LoomError {
  /** The workflow's terminal status. */
  readonly status: string;
  /**
   * Creates the error.
   *
   * @param action What was attempted ("signal", "cancel").
   * @param workflowId The workflow.
   * @param status Its terminal status.
   */
  constructor(action: string, workflowId: string, status: string) {
    super(
      ErrorCode.WorkflowNotRunning,
      `Cannot ${action} workflow "${workflowId}": it is ${status}`,
    );
    this.status = status;
  }
}

/** `start()` with `ifExists: "fail"` found a run with the same id. */
export class WorkflowAlreadyExistsError extends LoomError {
  /**
   * Creates the error.
   *
   * @param workflowId The id that is taken.
   */
  constructor(workflowId: string) {
    super(ErrorCode.WorkflowAlreadyExists, `Workflow "${workflowId}" already exists`);
  }
}

/** Thrown into workflow code by the durable call pending when a cancel arrived. */
export class WorkflowCancelledError extends LoomError {
  /** The reason given to `cancel()`. */
  readonly reason: string;
  /**
   * Creates the error.
   *
   * @param reason The reason given to `cancel()`.
   */
  constructor(reason: string) {
    super(ErrorCode.WorkflowCancelled, `Workflow cancelled: ${reason}`);
    this.reason = reason;
  }
}

/** The workflow awaited something that is not a durable operation and can never resume. */
export class WorkflowStuckError extends LoomError {
  /**
   * Creates the error.
   *
   * @param message Names the workflow, the step and the cause.
   */
  constructor(message: string) {
    super(ErrorCode.WorkflowStuck, message);
  }
}

/** An activity failed after its last attempt; workflow code may catch it. */
export class ActivityFailedError extends LoomError {
  /** The activity's registered name. */
  readonly activityName: string;
  /** The message of the activity's last error. */
  readonly errorMessage: string;
  /**
   * Creates the error.
   *
   * @param activityName The activity's registered name.
   * @param errorMessage The message of its last error.
   * @param options `cause`: the activity's last error.
   */
  constructor(activityName: string, errorMessage: string, options?: ErrorOptions) {
    super(ErrorCode.ActivityFailed, `Activity "${activityName}" failed: ${errorMessage}`, options);
    this.activityName = activityName;
    this.errorMessage = errorMessage;
  }
}

/** An activity attempt ran past its `timeoutSeconds`. */
export class ActivityTimeoutError extends LoomError {
  /**
   * Creates the error.
   *
   * @param activityName The activity.
   * @param timeoutSeconds Its limit.
   */
  constructor(activityName: string, timeoutSeconds: number) {
    super(
      ErrorCode.ActivityTimeout,
      `Activity "${activityName}" timed out after ${timeoutSeconds} s`,
    );
  }
}

/** `waitForSignal` reached its timeout before the signal arrived. */
export class SignalTimeoutError extends LoomError {
  /** The signal that did not arrive. */
  readonly signalName: string;
  /**
   * Creates the error.
   *
   * @param signalName The signal.
   * @param timeoutMs The timeout in milliseconds.
   */
  constructor(signalName: string, timeoutMs: number) {
    super(
      ErrorCode.SignalTimeout,
      `Signal "${signalName}" did not arrive within ${timeoutMs} ms`,
    );
    this.signalName = signalName;
  }
}

/** `hook.wait()` reached the hook's timeout before the hook was called. */
export class HookTimeoutError extends LoomError {
  /**
   * Creates the error.
   *
   * @param timeoutMs The hook's timeout in milliseconds.
   */
  constructor(timeoutMs: number) {
    super(ErrorCode.HookTimeout, `The hook was not called within ${timeoutMs} ms`);
  }
}

/**
 * No hook can be resumed with the token given: no hook has it, it was used already, or its run
 * has ended. The message never repeats the token.
 */
export class HookNotFoundError extends LoomError {
  /**
   * Creates the error.
   *
   * @param why What is known, e.g. `"it was used already"`.
   */
  constructor(why = "no hook has this token, or it was used already") {
    super(ErrorCode.HookNotFound, `Cannot resume the hook: ${why}`);
  }
}

/** The hook's timeout has passed: it can no longer be resumed. */
export class HookExpiredError extends LoomError {
  /**
   * Creates the error.
   *
   * @param expiredAt When the hook expired (ms since the epoch).
   */
  constructor(expiredAt: number) {
    super(
      ErrorCode.HookExpired,
      `Cannot resume the hook: its timeout passed at ${new Date(expiredAt).toISOString()}`,
    );
  }
}

/** Workflow code no longer matches its recorded history. */
export class NonDeterministicWorkflowError extends LoomError {
  /**
   * Creates the error.
   *
   * @param message Names the step and the expected and actual call.
   */
  constructor(message: string) {
    super(ErrorCode.NonDeterministic, message);
  }
}

/** No workflow definition is registered under a name (and version). */
export class WorkflowDefinitionNotFoundError extends LoomError {
  /**
   * Creates the error.
   *
   * @param name The workflow name.
   * @param version The version, if one was asked for.
   */
  constructor(name: string, version?: string) {
    super(
      ErrorCode.DefinitionNotFound,
      version === undefined
        ? `No workflow definition registered under the name "${name}"`
        : `No workflow definition registered under the name "${name}" for version "${version}"`,
    );
  }
}

/** A different definition was registered under a name (and version) that is taken. */
export class DuplicateDefinitionError extends LoomError {
  /**
   * Creates the error.
   *
   * @param message Names the definition.
   */
  constructor(message: string) {
    super(ErrorCode.DuplicateDefinition, message);
  }
}

/** A workflow or activity definition is malformed. */
export class InvalidDefinitionError extends LoomError {
  /**
   * Creates the error.
   *
   * @param message Names the definition and the problem.
   */
  constructor(message: string) {
    super(ErrorCode.InvalidDefinition, message);
  }
}

/** A payload (input, state, arguments, result, signal data) is not a JSON value. */
export class InvalidPayloadError extends LoomError {
  /** Path of the offending field, e.g. `input.customer.birthday`. */
  readonly field: string;
  /**
   * Creates the error.
   *
   * @param field Path of the offending field.
   * @param problem What is wrong with it.
   */
  constructor(field: string, problem: string) {
    super(ErrorCode.InvalidPayload, `Payload field "${field}" is not JSON: ${problem}`);
    this.field = field;
  }
}

/** An option or argument has a value the engine cannot use. */
export class InvalidArgumentError extends LoomError {
  /** The option or field at fault, when one is named (`cron`, `timezone`, ...). */
  readonly field?: string;
  /**
   * Creates the error.
   *
   * @param message Names the argument and the problem.
   * @param options The field at fault.
   */
  constructor(message: string, options: { field?: string } = {}) {
    super(ErrorCode.InvalidArgument, message);
    if (options.field !== undefined) this.field = options.field;
  }
}

/** No schedule exists with the given id. */
export class ScheduleNotFoundError extends LoomError {
  /** The id that was looked up. */
  readonly scheduleId: string;
  /**
   * Creates the error.
   *
   * @param scheduleId The id that was looked up.
   */
  constructor(scheduleId: string) {
    super(ErrorCode.ScheduleNotFound, `Schedule "${scheduleId}" not found`);
    this.scheduleId = scheduleId;
  }
}

/** A schedule with the given id exists already. */
export class ScheduleAlreadyExistsError extends LoomError {
  /** The id. */
  readonly scheduleId: string;
  /**
   * Creates the error.
   *
   * @param scheduleId The id.
   */
  constructor(scheduleId: string) {
    super(ErrorCode.ScheduleAlreadyExists, `Schedule "${scheduleId}" already exists`);
    this.scheduleId = scheduleId;
  }
}

/** The KV file was written by a newer Loom (or is not a Loom file). */
export class SchemaVersionError extends LoomError {
  /**
   * Creates the error.
   *
   * @param message Names the file and the versions.
   */
  constructor(message: string) {
    super(ErrorCode.SchemaVersion, message);
  }
}

/** Another live process owns the KV file. */
export class OwnerLeaseError extends LoomError {
  /**
   * Creates the error.
   *
   * @param message Names the owner.
   */
  constructor(message: string) {
    super(ErrorCode.OwnerLease, message);
  }
}

/** This engine lost its owner lease to another process and stopped. */
export class LeaseLostError extends LoomError {
  /**
   * Creates the error.
   *
   * @param message Names the partition.
   */
  constructor(message: string) {
    super(ErrorCode.LeaseLost, message);
  }
}

/** `Workflow.start()` found no engine, or several, in this process. */
export class EngineNotFoundError extends LoomError {
  /**
   * Creates the error.
   *
   * @param message Explains how to pick one.
   */
  constructor(message: string) {
    super(ErrorCode.EngineNotFound, message);
  }
}

/** The engine was closed. */
export class EngineClosedError extends LoomError {
  /**
   * Creates the error.
   *
   * @param message What was attempted.
   */
  constructor(message = "The engine is closed") {
    super(ErrorCode.EngineClosed, message);
  }
}

/** The store refused or failed a write. */
export class StorageError extends LoomError {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.Storage, message, options);
  }
}

/**
 * The store cannot take writes for now (disk full, database locked, I/O error): nothing of the
 * request was applied; try again after `retryAfterMs`.
 */
export class StorageUnavailableError extends LoomError {
  /** When to try again, in ms (a string, so that it crosses as error details). */
  readonly retryAfterMs: string;
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param retryAfterMs When to try again, in ms.
   * @param options `cause`.
   */
  constructor(message: string, retryAfterMs = 1000, options?: ErrorOptions) {
    super(ErrorCode.StorageUnavailable, message, options);
    this.retryAfterMs = String(retryAfterMs);
  }
}

/**
 * A run's stored data cannot be read (a chunk deleted, a record or history entry garbled): the
 * run is set apart (recovery skips it, lists leave it out), and every other run stays readable.
 */
export class StoredDataError extends LoomError {
  /** The run whose data is unreadable. */
  readonly workflowId: string;
  /** What cannot be read: `record`, `input`, `result`, `history entry 4`, ... */
  readonly part: string;
  /** What is wrong with it. */
  readonly problem: string;
  /**
   * Creates the error.
   *
   * @param workflowId The run.
   * @param part What cannot be read.
   * @param problem What is wrong with it.
   * @param options `cause`.
   */
  constructor(workflowId: string, part: string, problem: string, options?: ErrorOptions) {
    super(
      ErrorCode.StoredDataUnreadable,
      `Stored data of workflow "${workflowId}" is unreadable: ${part}: ${problem}`,
      options,
    );
    this.workflowId = workflowId;
    this.part = part;
    this.problem = problem;
  }
}

/** A module named in `modules` could not be imported (in this isolate or in a Worker). */
export class ModuleLoadError extends LoomError {
  /** The module's URL. */
  readonly module: string;
  /**
   * Creates the error.
   *
   * @param module The module's URL.
   * @param message Names the module, where it failed and why.
   * @param options `cause`: the import error.
   */
  constructor(module: string, message: string, options?: ErrorOptions) {
    super(ErrorCode.ModuleLoad, message, options);
    this.module = module;
  }
}

/** A Worker died (crashed, exited or was stopped) while running the same task too many times. */
export class WorkerCrashedError extends LoomError {
  /**
   * Creates the error.
   *
   * @param message Names the task and the last reason the Worker died.
   * @param options `cause`: why the Worker died the last time.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.WorkerCrashed, message, options);
  }
}

/**
 * Deno runs without an unstable feature that Loom needs (`kv`, or `worker-options` for Workers);
 * the message names the flag and the `deno.json` entry that enable it.
 */
export class MissingUnstableFeatureError extends LoomError {
  /** The feature, as `deno.json`'s `unstable` names it (`"kv"`, `"worker-options"`). */
  readonly feature: string;
  /**
   * Creates the error.
   *
   * @param feature The feature.
   * @param message What needs it and how to enable it.
   */
  constructor(feature: string, message: string) {
    super(ErrorCode.UnstableFeatureMissing, message);
    this.feature = feature;
  }
}

/** An error as plain data, safe to store in KV and to post between isolates. */
export interface SerializedError {
  /** Loom error code, when the error was a {@linkcode LoomError}. */
  code?: string;
  /** The error's `name`. */
  name: string;
  /** The error's `message`. */
  message: string;
  /** The stack trace, when there is one. */
  stack?: string;
  /** Extra fields of the error class (`activityName`, `reason`, ...). */
  details?: Record<string, string>;
  /** The serialized `cause`. */
  cause?: SerializedError;
}

/**
 * Turns anything thrown into an `Error`.
 *
 * @param value What was caught.
 * @returns The value itself when it is an `Error`, otherwise an `Error` describing it.
 */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  let text: string;
  try {
    text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return new Error(`Non-error value thrown: ${text}`);
}

/** Longest message or stack kept when an error is stored (KV values are limited to 64 KiB). */
export const MAX_ERROR_TEXT = 4096;

function clip(text: string): string {
  return text.length <= MAX_ERROR_TEXT ? text : `${text.slice(0, MAX_ERROR_TEXT)}… (truncated)`;
}

const DETAIL_FIELDS = [
  "activityName",
  "errorMessage",
  "reason",
  "signalName",
  "workflowId",
  "scheduleId",
  "field",
  "status",
  "module",
  "permission",
  "retryAfterMs",
  "part",
  "problem",
];

/**
 * Converts an error to plain data.
 *
 * @param value What was caught.
 * @returns Its code, name, message, stack, details and cause as plain data.
 */
export function serializeError(value: unknown, depth = 0): SerializedError {
  const error = ensureError(value);
  const out: SerializedError = { name: error.name, message: clip(error.message) };
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") out.code = code;
  if (error.stack !== undefined) out.stack = clip(error.stack);
  const details: Record<string, string> = {};
  for (const field of DETAIL_FIELDS) {
    const v = (error as unknown as Record<string, unknown>)[field];
    if (typeof v === "string") details[field] = clip(v);
  }
  if (Object.keys(details).length > 0) out.details = details;
  if (error.cause !== undefined && depth < 4) out.cause = serializeError(error.cause, depth + 1);
  return out;
}

const CLASSES: Record<string, { prototype: Error }> = {
  [ErrorCode.WorkflowNotFound]: WorkflowNotFoundError,
  [ErrorCode.WorkflowStillRunning]: WorkflowStillRunningError,
  [ErrorCode.WorkflowExecution]: WorkflowExecutionError,
  [ErrorCode.WorkflowNotRunning]: WorkflowNotRunningError,
  [ErrorCode.WorkflowAlreadyExists]: WorkflowAlreadyExistsError,
  [ErrorCode.WorkflowCancelled]: WorkflowCancelledError,
  [ErrorCode.WorkflowStuck]: WorkflowStuckError,
  [ErrorCode.ActivityFailed]: ActivityFailedError,
  [ErrorCode.ActivityTimeout]: ActivityTimeoutError,
  [ErrorCode.SignalTimeout]: SignalTimeoutError,
  [ErrorCode.HookTimeout]: HookTimeoutError,
  [ErrorCode.HookNotFound]: HookNotFoundError,
  [ErrorCode.HookExpired]: HookExpiredError,
  [ErrorCode.NonDeterministic]: NonDeterministicWorkflowError,
  [ErrorCode.DefinitionNotFound]: WorkflowDefinitionNotFoundError,
  [ErrorCode.DuplicateDefinition]: DuplicateDefinitionError,
  [ErrorCode.InvalidDefinition]: InvalidDefinitionError,
  [ErrorCode.InvalidPayload]: InvalidPayloadError,
  [ErrorCode.InvalidArgument]: InvalidArgumentError,
  [ErrorCode.SchemaVersion]: SchemaVersionError,
  [ErrorCode.OwnerLease]: OwnerLeaseError,
  [ErrorCode.LeaseLost]: LeaseLostError,
  [ErrorCode.EngineNotFound]: EngineNotFoundError,
  [ErrorCode.EngineClosed]: EngineClosedError,
  [ErrorCode.Storage]: StorageError,
  [ErrorCode.StorageUnavailable]: StorageUnavailableError,
  [ErrorCode.StoredDataUnreadable]: StoredDataError,
  [ErrorCode.ModuleLoad]: ModuleLoadError,
  [ErrorCode.WorkerCrashed]: WorkerCrashedError,
  [ErrorCode.UnstableFeatureMissing]: MissingUnstableFeatureError,
  [ErrorCode.ScheduleNotFound]: ScheduleNotFoundError,
  [ErrorCode.ScheduleAlreadyExists]: ScheduleAlreadyExistsError,
};

/**
 * Rebuilds an error from {@linkcode serializeError}'s data, as the class that matches its code
 * (so `instanceof` works on this side), with its message, details, stack and cause.
 *
 * @param data Serialized error.
 * @returns An `Error` (a {@linkcode LoomError} subclass when the code is known).
 */
export function deserializeError(data: SerializedError): Error {
  const cls = data.code === undefined ? undefined : CLASSES[data.code];
  const error: Error = cls === undefined
    ? new Error(data.message)
    : Object.create(cls.prototype) as Error;
  Object.defineProperty(error, "message", {
    value: data.message,
    writable: true,
    configurable: true,
  });
  error.name = data.name;
  if (data.code !== undefined) Object.assign(error, { code: data.code });
  if (data.details !== undefined) Object.assign(error, data.details);
  if (data.stack !== undefined) {
    Object.defineProperty(error, "stack", {
      value: data.stack,
      writable: true,
      configurable: true,
    });
  }
  if (data.cause !== undefined) {
    Object.defineProperty(error, "cause", {
      value: deserializeError(data.cause),
      writable: true,
      configurable: true,
    });
  }
  return error;
}
