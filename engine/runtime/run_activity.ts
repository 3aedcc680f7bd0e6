/**
 * One activity attempt, run in the calling isolate: the activity's context (signal, attempt,
 * ids), its time limit, and its outcome as data. Both executors run attempts with it (the Worker
 * pool inside an activity Worker).
 *
 * @module
 */

import { runInActivityContext } from "../definition/activity_context.ts";
import type { Registry } from "../definition/registry.ts";
import { ActivityTimeoutError, InvalidArgumentError, serializeError } from "../errors.ts";
import { toJson } from "../json.ts";
import type { ActivityRequest, ActivityResult } from "./executor.ts";

/**
 * Runs one activity attempt here, with its context and timeout.
 *
 * @param registry Where the activity is looked up.
 * @param request The attempt.
 * @param signal Aborts it.
 * @returns Result or error as data (an unregistered activity, a timeout, an abort or a throw
 * become `{ ok: false }`; it never rejects).
 * @example
 * ```ts
 * import { runActivity } from "./run_activity.ts";
 * import { Registry } from "../definition/registry.ts";
 * import { activity } from "../definition/activity.ts";
 *
 * const registry = new Registry();
 * activity({ name: "double", registry }, (n: number) => 2 * n);
 * const request = { workflowId: "w", seq: 1, name: "double", args: [21], attempt: 1, timeoutMs: 1000 };
 * const result = await runActivity(registry, request, new AbortController().signal);
 * console.assert(result.ok && result.result === 42);
 * ```
 */
export async function runActivity(
  registry: Registry,
  request: ActivityRequest,
  signal: AbortSignal,
): Promise<ActivityResult> {
  const def = registry.getActivity(request.name);
  if (def === undefined) {
    return {
      ok: false,
      error: serializeError(
        new InvalidArgumentError(`Activity "${request.name}" is not registered in this process`),
      ),
    };
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new ActivityTimeoutError(def.name, request.timeoutMs / 1000)),
    request.timeoutMs,
  );
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), {
      once: true,
    });
  });
  aborted.catch(() => {});
  try {
    const ctx = {
      signal: controller.signal,
      attempt: request.attempt,
      workflowId: request.workflowId,
      activityId: `${request.workflowId}:${request.seq}`,
      activityName: def.name,
    };
    const body = runInActivityContext(
      ctx,
      () => Promise.resolve((def.fn as (...a: unknown[]) => unknown)(...request.args)),
    );
    const value = await Promise.race([body, aborted]);
    return { ok: true, result: toJson(value === undefined ? null : value, `${def.name}.result`) };
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  }
}
