/**
 * Inside a workflow Worker: the cache of live workflow instances and the activation of batches,
 * as in the in-isolate executor, with each workflow's code run in its own deterministic scope and
 * sandbox failures explained.
 *
 * @module
 */

import { replay } from "../../replay/history.ts";
import { WorkflowMachine } from "../../replay/machine.ts";
import { WorkflowStatus } from "../../replay/events.ts";
import { hashSeed, seededRandom } from "../../replay/random.ts";
import type { Registry } from "../../definition/registry.ts";
import { serializeError } from "../../errors.ts";
import type { ActivationRequest, ActivationResponse } from "../executor.ts";
import { settle } from "../settle.ts";
import { runInWorkflowScope, type WorkflowScope } from "./deterministic_globals.ts";
import { explainDeniedIo } from "./denied_io.ts";

interface Instance {
  machine: WorkflowMachine;
  scope: WorkflowScope;
}

/** See the module doc. */
export class WorkflowHost {
  readonly #registry: Registry;
  readonly #cacheSize: number;
  readonly #cache = new Map<string, Instance>();

  /**
   * @param registry Definitions to run.
   * @param cacheSize Live instances kept; the least recently used beyond it are dropped.
   */
  constructor(registry: Registry, cacheSize: number) {
    this.#registry = registry;
    this.#cacheSize = cacheSize;
  }

  async #prepare(req: ActivationRequest): Promise<Instance | ActivationResponse> {
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
      const random = seededRandom(hashSeed(`Math.random:${req.workflowId}`));
      const scope: WorkflowScope = { now: () => machine.context.now().getTime(), random };
      const history = req.history;
      await runInWorkflowScope(
        scope,
        () => replay(machine, history, settle, { name: req.name, id: req.workflowId }),
      );
      const instance = { machine, scope };
      this.#cache.set(req.workflowId, instance);
      return instance;
    } catch (e) {
      return { kind: "error", error: serializeError(e) };
    }
  }

  /**
   * Runs activations of several workflows together (one macrotask boundary for all).
   *
   * @param requests One per workflow.
   * @returns Answers in the same order.
   */
  async activate(requests: ActivationRequest[]): Promise<ActivationResponse[]> {
    const out: ActivationResponse[] = new Array(requests.length);
    const live: [number, Instance, string][] = [];
    await Promise.all(requests.map(async (req, i) => {
      const prepared = await this.#prepare(req);
      if (!("machine" in prepared)) {
        out[i] = prepared;
        return;
      }
      runInWorkflowScope(prepared.scope, () => prepared.machine.deliver(req.activation));
      live.push([i, prepared, req.workflowId]);
    }));
    if (live.length > 0) await settle();
    for (const [i, instance, id] of live) {
      const output = explainDeniedIo(instance.machine.collect());
      if (output.status !== WorkflowStatus.Running) this.#cache.delete(id);
      out[i] = { kind: "output", output };
    }
    while (this.#cache.size > this.#cacheSize) {
      this.#cache.delete(this.#cache.keys().next().value as string);
    }
    return out;
  }

  /**
   * Forgets live instances.
   *
   * @param workflowIds The runs.
   */
  evict(workflowIds: string[]): void {
    for (const id of workflowIds) this.#cache.delete(id);
  }
}
