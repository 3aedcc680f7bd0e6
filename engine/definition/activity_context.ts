/**
 * `activityContext()`: what an activity body can learn about the attempt it runs in.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { InvalidArgumentError } from "../errors.ts";

/** The attempt an activity body runs in. */
export interface ActivityContext {
  /** Fires when the attempt times out, or when its workflow is cancelled. */
  readonly signal: AbortSignal;
  /** Attempt number, from 1. */
  readonly attempt: number;
  /** The workflow that called the activity. */
  readonly workflowId: string;
  /** Unique id of this call (`<workflowId>:<seq>`), the same on every attempt. */
  readonly activityId: string;
  /** The activity's name. */
  readonly activityName: string;
}

/** One store per isolate (`Symbol.for`), so that an activity defined by another copy of Loom sees it. */
const STORAGE = Symbol.for("loom.activityContext");
const storage = ((globalThis as Record<symbol, unknown>)[STORAGE] ??= new AsyncLocalStorage<
  ActivityContext
>()) as AsyncLocalStorage<ActivityContext>;

/**
 * Returns the context of the activity attempt that is running.
 *
 * @returns Its `signal`, `attempt`, `workflowId` and `activityId`.
 * @throws {InvalidArgumentError} When called outside an activity body.
 * @example
 * ```ts ignore
 * const fetchPage = activity({ name: "fetch_page" }, async (url: string) => {
 *   const { signal } = activityContext();
 *   return (await fetch(url, { signal })).text();
 * });
 * ```
 */
export function activityContext(): ActivityContext {
  const ctx = storage.getStore();
  if (ctx === undefined) {
    throw new InvalidArgumentError("activityContext() can only be called inside an activity body");
  }
  return ctx;
}

/**
 * Runs an activity body with its context available to `activityContext()`.
 *
 * @param ctx The attempt's context.
 * @param fn The body.
 * @returns What the body returns.
 */
export function runInActivityContext<T>(ctx: ActivityContext, fn: () => T): T {
  return storage.run(ctx, fn);
}
