/**
 * What the replay core needs to know about user code: workflow definitions (ordered steps) and
 * activity definitions (name and policy). Built by `engine/definition/`.
 *
 * @module
 */

/** How an activity is retried after a failed attempt. */
export interface RetryPolicy {
  /** Delay before the first retry, in milliseconds. @default 1000 */
  initialIntervalMs: number;
  /** Factor applied to the delay after each retry. @default 2 */
  backoffCoefficient: number;
  /** Upper bound of the delay, in milliseconds. @default 60000 */
  maxIntervalMs: number;
  /** Error names or codes that fail the activity at once, without retry. @default [] */
  nonRetryable: string[];
}

/** A registered activity. */
export interface ActivityDefinition {
  /** Unique name; history refers to the activity by it. */
  readonly name: string;
  /** Free text shown in the dashboard. */
  readonly description: string;
  /** Retries after the first attempt (`3` = up to 4 attempts). */
  readonly retryCount: number;
  /** Time limit of one attempt, in seconds. */
  readonly timeoutSeconds: number;
  /** Back-off between attempts. */
  readonly retry: Readonly<RetryPolicy>;
  /** Name of the implementing function. */
  readonly func: string;
  /** Module that defined the activity, when known. */
  readonly module: string;
  /** The implementation. */
  readonly fn: (...args: never[]) => unknown;
  /**
   * Deno permissions of the activity Worker that runs it (with `workers` > 0); absent: the
   * process's permissions.
   */
  readonly permissions?: Deno.PermissionOptions;
}

/** A step of a workflow. */
export interface StepDefinition {
  /** Name recorded in `STEP_START`/`STEP_END`. */
  readonly name: string;
  /** Name of the method or function that implements it. */
  readonly fn: string;
  /** Free text. */
  readonly description: string;
  /** Runs the step against a workflow instance (`this`) and its context. */
  readonly run: (self: object, ctx: never) => unknown;
  /** Source text of the implementation (part of the definition's fingerprint). */
  readonly source: string;
}

/** A registered workflow definition: steps that run in order. */
export interface WorkflowDefinition {
  /** Workflow name; runs are started by it. */
  readonly name: string;
  /** Version; a run stays on the version it started with. */
  readonly version: string;
  /** Free text. */
  readonly description: string;
  /** Steps in declaration order. */
  readonly steps: readonly StepDefinition[];
  /** Creates the object that is `this` inside steps (a fresh one per run). */
  readonly create: () => object;
  /** Identifies the code: equal definitions registered twice are the same definition. */
  readonly fingerprint: string;
  /** URL of the module that defined it (`""` when unknown). */
  readonly module: string;
}

/** Marks a function made by `activity()`; `Symbol.for` so that two copies of Loom agree. */
export const ACTIVITY: unique symbol = Symbol.for("loom.activity") as never;

/** An activity: callable like its implementation, and usable with `ctx.activity(fn, ...args)`. */
export type Activity<A extends unknown[] = never[], R = unknown> =
  & ((...args: A) => Promise<R>)
  & { readonly [ACTIVITY]: ActivityDefinition };

/**
 * Returns the definition behind an activity function, or `undefined` for a plain function.
 *
 * @param value Anything.
 * @returns The activity definition, if `value` was made by `activity()`.
 */
export function activityDefinitionOf(value: unknown): ActivityDefinition | undefined {
  if (typeof value !== "function") return undefined;
  return (value as { [ACTIVITY]?: ActivityDefinition })[ACTIVITY];
}
