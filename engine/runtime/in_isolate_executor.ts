/**
 * The executor that runs workflow and activity code in this isolate (`workers: 0`): for tests,
 * Deno Deploy, and small installations. It keeps a bounded cache of live workflow instances so
 * that an activation resumes in memory instead of replaying history.
 *
 * @module
 */

import { replay } from "../replay/history.ts";
import { WorkflowMachine } from "../replay/machine.ts";
import { WorkflowStatus } from "../replay/events.ts";
import { runInActivityContext } from "../definition/activity_context.ts";
import type { Registry } from "../definition/registry.ts";
import { ActivityTimeoutError, InvalidArgumentError, serializeError } from "../errors.ts";
import { toJson } from "../json.ts";
import type {
  ActivationRequest,
  ActivationResponse,
  ActivityRequest,
  ActivityResult,
  Executor,
} from "./executor.ts";
import { settle } from "./settle.ts";

/** Options of {@linkcode InIsolateExecutor}. */
export interface InIsolateExecutorOptions {
  /** Definitions to run. */
  registry: Registry;
  /** Live instances kept in memory; the least recently used beyond it are evicted. @default 10000 */
  cacheSize?: number;
}

/**
 * Runs one activity attempt here, with its context and timeout.
 *
 * @param registry Where the activity is looked up.
 * @param request The attempt.
 * @param signal Aborts it.
 * @returns Result or error as data.
 */
export async function runActivityHere(
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

/** See the module doc. */
export class InIsolateExecutor implements Executor {
  readonly #registry: Registry;
  readonly #cacheSize: number;
  readonly #cache = new Map<string, WorkflowMachine>();

  /**
   * Creates the executor.
   *
   * @param options Registry and cache size.
   */
  constructor(options: InIsolateExecutorOptions) {
    this.#registry = options.registry;
    this.#cacheSize = options.cacheSize ?? 10_000;
  }

  /** Number of live instances held. */
  get cached(): number {
    return this.#cache.size;
  }

  async #prepare(req: ActivationRequest): Promise<WorkflowMachine | ActivationResponse> {
    const hit = this.#cache.get(req.workflowId);
    if (hit !== undefined) {
      this.#cache.delete(req.workflowId);
      this.#cache.set(req.workflowId, hit);
      return hit;
    }
    if (req.history === undefined) return { kind: "needHistory" };
    try {
      const definition = this.#registry.getWorkflow(req.name, req.version);
      const machine = new WorkflowMachine({
        workflowId: req.workflowId,
        definition,
        input: req.input,
      });
      await replay(machine, req.history, settle, { name: req.name, id: req.workflowId });
      this.#cache.set(req.workflowId, machine);
      return machine;
    } catch (e) {
      return { kind: "error", error: serializeError(e) };
    }
  }

  async activate(requests: ActivationRequest[]): Promise<ActivationResponse[]> {
    const out: ActivationResponse[] = new Array(requests.length);
    const live: [number, WorkflowMachine, string][] = [];
    const misses: Promise<void>[] = [];
    requests.forEach((req, i) => {
      const hit = this.#cache.get(req.workflowId);
      if (hit !== undefined) {
        // Cache hit (the common case): deliver at once, no promise per run.
        this.#cache.delete(req.workflowId);
        this.#cache.set(req.workflowId, hit);
        hit.deliver(req.activation);
        live.push([i, hit, req.workflowId]);
        return;
      }
      misses.push(
        this.#prepare(req).then((prepared) => {
          if (!(prepared instanceof WorkflowMachine)) {
            out[i] = prepared;
            return;
          }
          prepared.deliver(req.activation);
          live.push([i, prepared, req.workflowId]);
        }),
      );
    });
    if (misses.length > 0) await Promise.all(misses);
    if (live.length > 0) await settle();
    for (const [i, machine, id] of live) {
      const output = machine.collect();
      if (output.status !== WorkflowStatus.Running) this.#cache.delete(id);
      out[i] = { kind: "output", output };
    }
    while (this.#cache.size > this.#cacheSize) {
      this.#cache.delete(this.#cache.keys().next().value as string);
    }
    return out;
  }

  runActivity(request: ActivityRequest, signal: AbortSignal): Promise<ActivityResult> {
    return runActivityHere(this.#registry, request, signal);
  }

  evict(workflowId: string): void {
    this.#cache.delete(workflowId);
  }

  close(): Promise<void> {
    this.#cache.clear();
    return Promise.resolve();
  }
}
