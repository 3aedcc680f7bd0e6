/**
 * What workflow code sees: the context passed to every step.
 *
 * @module
 */

import type { Duration } from "../duration.ts";
import type { JsonValue } from "../json.ts";
import type { Activity } from "./definitions.ts";

/** Log levels, as in the reference. */
export const LogLevel = {
  Debug: "DEBUG",
  Info: "INFO",
  Warning: "WARNING",
  Error: "ERROR",
} as const;

/** A value of {@linkcode LogLevel}. */
export type LogLevel = typeof LogLevel[keyof typeof LogLevel];

/** Replay-aware logger: entries are stored with the step's transition and skipped in replay. */
export interface WorkflowLogger {
  /** Logs at `DEBUG`. */
  debug(message: string): void;
  /** Logs at `INFO`. */
  info(message: string): void;
  /** Logs at `WARNING`. */
  warning(message: string): void;
  /** Alias of {@linkcode WorkflowLogger.warning}. */
  warn(message: string): void;
  /** Logs at `ERROR`. */
  error(message: string): void;
}

/** Durable workflow state: every change is an event, and the final state is the run's result. */
export interface WorkflowState<S extends object> {
  /** Reads a key; `undefined` when it was never set. Values are frozen copies. */
  get<K extends keyof S & string>(key: K): S[K] | undefined;
  /** Reads a key, or `fallback` when it was never set. */
  get<K extends keyof S & string>(key: K, fallback: S[K]): S[K];
  /** Sets one key (one `STATE_SET` event). @throws {InvalidPayloadError} When not JSON. */
  set<K extends keyof S & string>(key: K, value: S[K]): Promise<void>;
  /** Replaces the whole state with what `fn` returns (one `STATE_UPDATE` event). */
  update(fn: (state: Partial<S>) => Partial<S>): Promise<void>;
  /** Runs `fn`; every `set`/`update` inside becomes one `STATE_UPDATE` event at its end. */
  batch(fn: () => Promise<void> | void): Promise<void>;
  /** A copy of the whole state. */
  snapshot(): Partial<S>;
}

/** Options of {@linkcode WorkflowContext.waitForSignal}. */
export interface WaitForSignalOptions {
  /** How long to wait; then the call rejects with `SignalTimeoutError`. */
  timeout?: Duration;
}

/** Options of {@linkcode WorkflowContext.createHook}. */
export interface CreateHookOptions {
  /**
   * How long the hook can be called, from its creation; then `wait()` rejects with
   * `HookTimeoutError` and a call is answered "expired" (HTTP 410). @default no limit
   */
  timeout?: Duration;
}

/**
 * A hook: a secret token, and a URL built from it, that resume the run when called with a JSON
 * body (`POST /api/hooks/{token}`, or `resumeHook(token, body)` on any client). Hand the token
 * or URL to whoever is to answer (by e-mail in an activity, in state, in a stream).
 */
export interface Hook<T = JsonValue> {
  /** The secret token (256 random bits, minted by the engine, not by the workflow's code). */
  readonly token: string;
  /** `<public URL>/api/hooks/<token>` (the server's `--public-url`), or the path alone. */
  readonly url: string;
  /**
   * Waits for the hook's call and returns its body. A call made before this is kept.
   *
   * @throws {HookTimeoutError} When the hook's timeout passes first.
   * @throws {WorkflowCancelledError} When the run is cancelled while waiting.
   */
  wait(): Promise<T>;
}

/** A stream of the run: JSON values that clients read as they are written (`handle.stream()`). */
export interface WorkflowStream<T = JsonValue> {
  /** The stream's name. */
  readonly name: string;
  /**
   * Appends a value (durable with the step's transition, written once however often the code
   * replays).
   *
   * @throws {InvalidPayloadError} When the value is not JSON.
   * @throws {InvalidArgumentError} When its JSON is larger than 64 KiB.
   */
  write(value: T): Promise<void>;
}

/**
 * The context of a workflow run, passed to each step. Every method that returns a promise is a
 * durable call: it is recorded, and on replay it returns what it returned the first time. Call
 * the methods on `ctx` (`ctx.sleep(…)`), as they share the run's machine through their prototype.
 */
export interface WorkflowContext<I = JsonValue, S extends object = Record<string, JsonValue>> {
  /** The run's input. */
  readonly input: I;
  /** The run's id. */
  readonly workflowId: string;
  /** The workflow's name. */
  readonly workflowName: string;
  /** `true` while the code re-runs recorded history. */
  readonly isReplaying: boolean;
  /** Durable state. */
  readonly state: WorkflowState<S>;
  /** Replay-aware logger. */
  readonly logger: WorkflowLogger;
  /**
   * Runs an activity with its retries and timeout, and returns its result.
   *
   * @throws {ActivityFailedError} When the last attempt failed.
   * @throws {WorkflowCancelledError} When the run is cancelled while waiting.
   */
  activity<A extends unknown[], R>(activity: Activity<A, R>, ...args: A): Promise<R>;
  /** Sleeps durably for milliseconds, `"90s"`, `"2m"`, or `{ minutes: 2 }`. */
  sleep(duration: Duration): Promise<void>;
  /** Sleeps durably until a moment (a `Date`, milliseconds or an ISO string). */
  sleepUntil(when: Date | number | string): Promise<void>;
  /**
   * Waits for a signal sent with `handle.signal(name, data)` and returns its data. A signal sent
   * before this call is kept and returned at once.
   *
   * @throws {SignalTimeoutError} When `timeout` passes first.
   */
  waitForSignal<T = JsonValue>(name: string, options?: WaitForSignalOptions): Promise<T>;
  /**
   * Creates a hook: a secret token and URL that resume the run when called (see {@linkcode Hook}).
   *
   * @param options Its timeout.
   * @returns The hook, once the engine has minted its token.
   */
  createHook<T = JsonValue>(options?: CreateHookOptions): Promise<Hook<T>>;
  /**
   * The run's stream `name` (1 to 100 letters, digits, `_`, `.`, `:` or `-`, starting with a
   * letter or digit): `await ctx.stream("progress").write({ done: 3 })`.
   *
   * @throws {InvalidArgumentError} For a name that is not allowed.
   */
  stream<T = JsonValue>(name: string): WorkflowStream<T>;
  /** The current time of this run, the same on replay. */
  now(): Date;
  /** A random number in [0, 1), the same on replay. */
  random(): number;
  /** A version 4 UUID, the same on replay. */
  uuid(): string;
}
