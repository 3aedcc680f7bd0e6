/**
 * The executor that runs workflow and activity code in this isolate (`workers: 0`): for tests,
 * Deno Deploy, and small installations. Its {@linkcode WorkflowHost} keeps a bounded cache of
 * live workflow instances so that an activation resumes in memory instead of replaying history.
 *
 * @module
 */

import type { Registry } from "../definition/registry.ts";
import type {
  ActivationRequest,
  ActivationResponse,
  ActivityRequest,
  ActivityResult,
  Executor,
} from "./executor.ts";
import { runActivity } from "./run_activity.ts";
import { WorkflowHost } from "./workflow_host.ts";

/** Options of {@linkcode InIsolateExecutor}. */
export interface InIsolateExecutorOptions {
  /** Definitions to run. */
  registry: Registry;
  /** Live instances kept in memory; the least recently used beyond it are evicted. @default 10000 */
  cacheSize?: number;
}

/** See the module doc. */
export class InIsolateExecutor implements Executor {
  readonly #registry: Registry;
  readonly #host: WorkflowHost;

  /**
   * Creates the executor.
   *
   * @param options Registry and cache size.
   */
  constructor(options: InIsolateExecutorOptions) {
    this.#registry = options.registry;
    this.#host = new WorkflowHost(options);
  }

  /** Number of live instances held. */
  get cached(): number {
    return this.#host.size;
  }

  activate(requests: ActivationRequest[]): Promise<ActivationResponse[]> {
    return this.#host.activate(requests);
  }

  runActivity(request: ActivityRequest, signal: AbortSignal): Promise<ActivityResult> {
    return runActivity(this.#registry, request, signal);
  }

  evict(workflowId: string): void {
    this.#host.evict(workflowId);
  }

  close(): Promise<void> {
    this.#host.clear();
    return Promise.resolve();
  }
}
