/**
 * The workflow host: a bounded cache of live workflow machines and the activation of batches,
 * shared by both executors. On a cache hit an activation resumes the machine in memory; on a miss
 * it replays the run's history into a fresh machine (or asks for the history when the request has
 * none). All activations of a batch share one macrotask boundary.
 *
 * The Web Worker adds its deterministic globals through {@linkcode WorkflowHostOptions.scope}
 * (each instance's code runs inside its own clock and random source) and its explanation of
 * sandbox failures through {@linkcode WorkflowHostOptions.explain}; in this isolate neither is set.
 *
 * @example
 * ```ts
 * import { WorkflowHost } from "./workflow_host.ts";
 * import { Registry } from "../definition/registry.ts";
 *
 * const host = new WorkflowHost({ registry: new Registry(), cacheSize: 100 });
 * const [answer] = await host.activate([{
 *   workflowId: "w-1",
 *   name: "unknown",
 *   version: "1",
 *   input: null,
 *   activation: { time: 0, inbound: [] },
 * }]);
 * console.assert(answer?.kind === "needHistory");
 * ```
 *
 * @module
 */

import { replay } from "../replay/history.ts";
import { type ActivationOutput, WorkflowMachine } from "../replay/machine.ts";
import { WorkflowStatus } from "../replay/events.ts";
import type { Registry } from "../definition/registry.ts";
import { serializeError } from "../errors.ts";
import type { ActivationRequest, ActivationResponse } from "./executor.ts";
import { settle } from "./settle.ts";

/**
 * Runs `fn`, and every continuation it schedules, as the code of one workflow instance.
 *
 * @param fn What to run.
 * @returns What `fn` returns.
 */
export type InstanceScope = <T>(fn: () => T) => T;

/** Options of {@linkcode WorkflowHost}. */
export interface WorkflowHostOptions {
  /** Definitions to run. */
  registry: Registry;
  /** Live instances kept in memory; the least recently used beyond it are evicted. @default 10000 */
  cacheSize?: number;
  /**
   * Makes the scope of a new instance (called once per instance, after its machine is made);
   * its replay and every delivery to it then run inside that scope.
   *
   * @default undefined: the code runs as it is
   */
  scope?: (machine: WorkflowMachine, workflowId: string) => InstanceScope;
  /**
   * Rewrites an activation's output before it is answered (e.g. to explain a sandbox failure).
   *
   * @default undefined: the output as collected
   */
  explain?: (output: ActivationOutput, workflowId: string) => ActivationOutput;
}

interface Instance {
  machine: WorkflowMachine;
  scope: InstanceScope | undefined;
}

/** See the module doc. */
export class WorkflowHost {
  readonly #registry: Registry;
  readonly #cacheSize: number;
  readonly #scope: WorkflowHostOptions["scope"];
  readonly #explain: WorkflowHostOptions["explain"];
  readonly #cache = new Map<string, Instance>();

  /**
   * Creates the host.
   *
   * @param options Registry, cache size and the optional scope and explain hooks.
   */
  constructor(options: WorkflowHostOptions) {
    this.#registry = options.registry;
    this.#cacheSize = options.cacheSize ?? 10_000;
    this.#scope = options.scope;
    this.#explain = options.explain;
  }

  /** Number of live instances held. */
  get size(): number {
    return this.#cache.size;
  }

  async #replay(req: ActivationRequest): Promise<Instance | ActivationResponse> {
    if (req.history === undefined) return { kind: "needHistory" };
    try {
      const definition = this.#registry.getWorkflow(req.name, req.version);
      const machine = new WorkflowMachine({
        workflowId: req.workflowId,
        definition,
        input: req.input,
      });
      const scope = this.#scope?.(machine, req.workflowId);
      const history = req.history;
      const names = { name: req.name, id: req.workflowId };
      await (scope === undefined
        ? replay(machine, history, settle, names)
        : scope(() => replay(machine, history, settle, names)));
      const instance = { machine, scope };
      this.#cache.set(req.workflowId, instance);
      return instance;
    } catch (e) {
      return { kind: "error", error: serializeError(e) };
    }
  }

  /**
   * Runs activations of several workflows together (one macrotask boundary for all). A run held
   * in memory resumes at once; another replays the history sent with it, or is answered
   * `needHistory` when none was sent.
   *
   * @param requests One per workflow.
   * @param onReplayed When given: every replay is done first, then this is called, and only then
   * does any workflow code run its activation (so that the caller can time the two apart).
   * @returns Answers in the same order.
   */
  async activate(
    requests: ActivationRequest[],
    onReplayed?: () => void,
  ): Promise<ActivationResponse[]> {
    const out: ActivationResponse[] = new Array(requests.length);
    const live: [number, Instance, string][] = [];
    const misses: Promise<void>[] = [];
    const later = onReplayed !== undefined;
    requests.forEach((req, i) => {
      const hit = this.#cache.get(req.workflowId);
      if (hit !== undefined) {
        // Cache hit (the common case): deliver at once, no promise per run.
        this.#cache.delete(req.workflowId);
        this.#cache.set(req.workflowId, hit);
        if (!later) deliver(hit, req);
        live.push([i, hit, req.workflowId]);
        return;
      }
      misses.push(
        this.#replay(req).then((prepared) => {
          if (!("machine" in prepared)) {
            out[i] = prepared;
            return;
          }
          if (!later) deliver(prepared, req);
          live.push([i, prepared, req.workflowId]);
        }),
      );
    });
    if (misses.length > 0) await Promise.all(misses);
    if (later) {
      onReplayed();
      for (const [i, instance] of live) deliver(instance, requests[i] as ActivationRequest);
    }
    if (live.length > 0) await settle();
    const explain = this.#explain;
    for (const [i, instance, id] of live) {
      const collected = instance.machine.collect();
      const output = explain === undefined ? collected : explain(collected, id);
      if (output.status !== WorkflowStatus.Running) this.#cache.delete(id);
      out[i] = { kind: "output", output };
    }
    while (this.#cache.size > this.#cacheSize) {
      this.#cache.delete(this.#cache.keys().next().value as string);
    }
    return out;
  }

  /**
   * Forgets a run's live instance (its next activation replays history).
   *
   * @param workflowId The run.
   */
  evict(workflowId: string): void {
    this.#cache.delete(workflowId);
  }

  /** Forgets every live instance. */
  clear(): void {
    this.#cache.clear();
  }
}

function deliver(instance: Instance, req: ActivationRequest): void {
  const { machine, scope } = instance;
  if (scope === undefined) machine.deliver(req.activation);
  else scope(() => machine.deliver(req.activation));
}
