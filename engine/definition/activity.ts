/**
 * `activity()`: declares a side effect that workflows call with `ctx.activity(fn, ...args)`.
 *
 * @module
 */

import {
  ACTIVITY,
  type Activity,
  type ActivityDefinition,
  type RetryPolicy,
} from "../replay/definitions.ts";
import { InvalidDefinitionError } from "../errors.ts";
import { callerModule } from "./_caller.ts";
import { defaultRegistry, type Registry } from "./registry.ts";

/** Options of {@linkcode activity}. */
export interface ActivityOptions {
  /** Unique name; history refers to the activity by it. @default the function's name */
  name?: string;
  /** Free text. @default "" */
  description?: string;
  /** Retries after the first attempt (`3` = up to 4 attempts), 0 to 100. @default 0 */
  retryCount?: number;
  /** Time limit of one attempt, in seconds (fractions allowed), up to one day. @default 60 */
  timeoutSeconds?: number;
  /** Back-off between attempts. */
  retry?: Partial<RetryPolicy>;
  /** Registry to join. @default the process-wide registry */
  registry?: Registry;
  /**
   * Runs the activity, when the engine has Web Workers, in an activity Worker with only these
   * Deno permissions, e.g. `{ net: ["api.example.com"] }` (what is not named is denied; `"none"`
   * denies everything). `read` and `import` may only be `true` or `false`: the Worker reads and
   * imports the modules first, then loses them unless granted. The permissions cannot exceed the
   * process's. With `workers: 0` they have no effect.
   * @default the process's permissions
   */
  permissions?: Deno.PermissionOptions;
}

/** Back-off used when {@linkcode ActivityOptions.retry} leaves a field out. */
export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maxIntervalMs: 60_000,
  nonRetryable: [],
});

function fail(name: string, problem: string): never {
  throw new InvalidDefinitionError(`Invalid activity "${name}": ${problem}`);
}

/**
 * Declares an activity: a function with side effects that workflows run durably, with retries
 * and a timeout. The result is callable like `fn` itself, and registers under its name.
 *
 * @param options Name, retries, timeout and back-off.
 * @param fn The implementation; its arguments and result must be JSON values.
 * @returns The activity, typed like `fn`.
 * @throws {InvalidDefinitionError} When an option is out of range or the name is missing.
 * @throws {DuplicateDefinitionError} When a different activity already has the name.
 * @example
 * ```ts
 * import { activity } from "./activity.ts";
 * export const add = activity({ name: "doc_add", retryCount: 2 }, (a: number, b: number) => a + b);
 * console.assert((await add(1, 2)) === 3);
 * ```
 */
export function activity<A extends unknown[], R>(
  options: ActivityOptions,
  fn: (...args: A) => R | Promise<R>,
): Activity<A, Awaited<R>> {
  if (typeof fn !== "function") fail(String(options?.name), "the implementation is not a function");
  const name = options.name ?? fn.name;
  if (typeof name !== "string" || name.trim() === "") {
    fail("?", "it needs a name (options.name, or a named function)");
  }
  const retryCount = options.retryCount ?? 0;
  if (!Number.isInteger(retryCount) || retryCount < 0 || retryCount > 100) {
    fail(name, `retryCount must be a whole number from 0 to 100, got ${retryCount}`);
  }
  const timeoutSeconds = options.timeoutSeconds ?? 60;
  if (typeof timeoutSeconds !== "number" || !(timeoutSeconds > 0) || timeoutSeconds > 86_400) {
    fail(name, `timeoutSeconds must be more than 0 and at most 86400, got ${timeoutSeconds}`);
  }
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  if (!(retry.initialIntervalMs >= 0) || !(retry.maxIntervalMs >= 0)) {
    fail(name, "retry intervals must be zero or more milliseconds");
  }
  if (!(retry.backoffCoefficient >= 1)) fail(name, "retry.backoffCoefficient must be at least 1");
  if (!Array.isArray(retry.nonRetryable)) fail(name, "retry.nonRetryable must be a list of names");
  const permissions = options.permissions;
  if (typeof permissions === "object" && permissions !== null) {
    for (const key of ["read", "import"] as const) {
      const value = permissions[key];
      if (value !== undefined && typeof value !== "boolean") {
        fail(
          name,
          `permissions.${key} must be true or false, got ${
            JSON.stringify(value)
          } (its Worker needs ${key} access to load the modules, and loses it afterwards unless it is true)`,
        );
      }
    }
  } else if (permissions !== undefined && permissions !== "none" && permissions !== "inherit") {
    fail(name, `permissions must be "inherit", "none" or an object, got ${String(permissions)}`);
  }
  const def: ActivityDefinition = Object.freeze({
    name,
    description: options.description ?? "",
    retryCount,
    timeoutSeconds,
    retry: Object.freeze({ ...retry, nonRetryable: [...retry.nonRetryable] }),
    func: fn.name || name,
    module: callerModule(import.meta.url),
    fn: fn as (...args: never[]) => unknown,
    ...(options.permissions === undefined ? {} : { permissions: options.permissions }),
  });
  const registered = (options.registry ?? defaultRegistry).registerActivity(def);
  const callable = (...args: A): Promise<Awaited<R>> => {
    try {
      return Promise.resolve(fn(...args)) as Promise<Awaited<R>>;
    } catch (e) {
      return Promise.reject(e);
    }
  };
  Object.defineProperty(callable, "name", { value: name });
  Object.defineProperty(callable, ACTIVITY, { value: registered });
  return callable as Activity<A, Awaited<R>>;
}
