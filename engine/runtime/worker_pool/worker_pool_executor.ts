/**
 * The executor that runs code in pools of module Web Workers (`workers: N`): workflow Workers,
 * sandboxed without I/O permissions, hold live workflow instances (a run always goes to the same
 * one, by a hash of its id); activity Workers run activity attempts with the process's
 * permissions. The main isolate keeps the store and every commit; Workers only compute.
 *
 * Each Worker is a `node:worker_threads` Worker with a heap limit (`heapMb`), started inside a
 * relay Web Worker with its permissions where they are narrower than the process's
 * (`isolate.ts`): code that exhausts its heap stops only its Worker.
 *
 * Supervision: a Worker that dies is replaced, and what it held is sent again (a workflow Worker's
 * replacement rebuilds instances from history through `needHistory`). After a death that nothing
 * explains (running out of memory included), the tasks it held are "suspects" and run one at a
 * time per Worker, so that a task that kills its Worker again is found and, after `maxCrashes`,
 * fails with `WorkerCrashedError` instead of taking others down with it. An activity past its
 * timeout (even one that never yields) gets `ActivityTimeoutError`, and its Worker is stopped and
 * replaced. A workflow activation that does not yield within `stuckAfterMs` stops its Worker
 * and goes on probation: it runs again alone, in a Worker of its own, and fails as stuck
 * (`WorkflowStuckError`) if it overruns there too (`worker_slot.ts`).
 *
 * Each workflow Worker is a lane ({@linkcode WorkerPoolExecutor.laneOf}): the run loop activates
 * the runs of different lanes apart, so that a stuck Worker holds up only its own runs.
 *
 * @module
 */

import { hashSeed } from "../../replay/random.ts";
import { defaultRegistry, type Registry } from "../../definition/registry.ts";
import { EngineClosedError, InvalidArgumentError, serializeError } from "../../errors.ts";
import type {
  ActivationRequest,
  ActivationResponse,
  ActivityRequest,
  ActivityResult,
  Executor,
} from "../executor.ts";
import { moduleSpecifier } from "../load_modules.ts";
import { summarizeRegistry } from "./fingerprint.ts";
import type { ActivationJob, ActivityJob } from "./jobs.ts";
import { WorkerKind } from "./protocol.ts";
import { WorkerSlot } from "./worker_slot.ts";

/** Options of {@linkcode WorkerPoolExecutor.create}. */
export interface WorkerPoolOptions {
  /**
   * Modules that define the workflows and activities (URLs, or paths resolved against the working
   * folder as by `loadModules`); every Worker imports them.
   */
  modules: (string | URL)[];
  /** The main isolate's definitions; every Worker must register the same. @default the process-wide registry */
  registry?: Registry;
  /**
   * Activity Workers with the process's permissions. Each set of narrower permissions named by
   * activities (`activity({ permissions })`) gets one more activity Worker. @default the number of cores
   */
  workers?: number;
  /** Workflow Workers. @default the same as `workers` */
  workflowWorkers?: number;
  /** Live workflow instances kept, over all workflow Workers. @default 10000 */
  cacheSize?: number;
  /**
   * Time a workflow Worker gets for a batch of activations that replays history before it is
   * stopped, in ms. @default 60000
   */
  activationTimeoutMs?: number;
  /**
   * Time a live workflow activation (no history to replay) gets to yield before its Worker is
   * stopped and it runs again alone; overrunning again fails the run as stuck, in ms. @default 5000
   */
  stuckAfterMs?: number;
  /**
   * Heap limit (old generation) of each Worker, in MiB: code that exhausts it stops only its
   * Worker. @default 2048
   */
  heapMb?: number;
  /** Time beyond an activity's own timeout before its Worker is stopped, in ms. @default 1000 */
  killGraceMs?: number;
  /** Worker deaths one task may cause before it fails with `WorkerCrashedError`. @default 3 */
  maxCrashes?: number;
  /** Called when a replacement Worker cannot start (it is tried again while the work waits). */
  onError?: (error: Error) => void;
}

/** Counters of a pool, for status lines and tests. */
export interface WorkerPoolStats {
  /** Workflow Workers. */
  workflowWorkers: number;
  /** Activity Workers. */
  activityWorkers: number;
  /** Workers replaced after they died or were stopped. */
  restarts: number;
  /** Activation batches and activity attempts sent and not answered. */
  inFlight: number;
  /** Activations answered by each workflow Worker (by index, over its replacements). */
  activations: number[];
  /**
   * Activity attempts answered by each activity Worker (by index, over its replacements; those
   * with narrower permissions last).
   */
  attempts: number[];
}

/** A stable text of a permissions value (keys sorted), to group activities by it. */
function permissionsKey(value: Deno.PermissionOptions): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      typeof v === "object" && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
        : v,
  );
}

function count(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(
      `Invalid ${name}: ${n}: it must be a whole number of at least 1`,
    );
  }
  return n;
}

/** See the module doc. */
export class WorkerPoolExecutor implements Executor {
  readonly #workflowSlots: WorkerSlot[];
  readonly #activitySlots: WorkerSlot[];
  /** Activity Workers with narrower permissions, by the names of the activities they run. */
  readonly #restricted = new Map<string, WorkerSlot[]>();
  /** Runs each activation of which goes on alone, after one overran (see `worker_slot.ts`). */
  readonly #probation: WorkerSlot;
  readonly #onProbation = new Set<string>();
  #nextId = 1;
  #closed = false;

  private constructor(options: WorkerPoolOptions) {
    const workers = count("workers", options.workers ?? navigator.hardwareConcurrency);
    const workflowWorkers = count("workflowWorkers", options.workflowWorkers ?? workers);
    const config = {
      modules: options.modules.map((m) => moduleSpecifier(m)),
      summary: summarizeRegistry(options.registry ?? defaultRegistry),
      cacheSize: Math.ceil((options.cacheSize ?? 10_000) / workflowWorkers),
      activationTimeoutMs: options.activationTimeoutMs ?? 60_000,
      stuckAfterMs: options.stuckAfterMs ?? 5000,
      heapMb: count("heapMb", options.heapMb ?? 2048),
      killGraceMs: options.killGraceMs ?? 1000,
      maxCrashes: options.maxCrashes ?? 3,
      nextId: () => this.#nextId++,
      reroute: (job: ActivityJob) => this.#pickActivitySlot(job.request.name, true).submit(job),
      probation: (job: ActivationJob) => this.#submitOnProbation(job),
      onError: options.onError ?? (() => {}),
    };
    const slots = (kind: WorkerKind, n: number) =>
      Array.from({ length: n }, (_, i) => new WorkerSlot(kind, i, config));
    this.#workflowSlots = slots(WorkerKind.Workflow, workflowWorkers);
    // Started when a job first goes on probation.
    this.#probation = new WorkerSlot(WorkerKind.Workflow, workflowWorkers, config, undefined, true);
    this.#activitySlots = slots(WorkerKind.Activity, workers);
    const groups = new Map<string, { permissions: Deno.PermissionOptions; names: string[] }>();
    for (const def of (options.registry ?? defaultRegistry).listActivities()) {
      if (def.permissions === undefined) continue;
      const key = permissionsKey(def.permissions);
      const group = groups.get(key) ?? { permissions: def.permissions, names: [] };
      group.names.push(def.name);
      groups.set(key, group);
    }
    for (const { permissions, names } of groups.values()) {
      const name = `for ${names.map((n) => `"${n}"`).join(", ")}`;
      const group = [new WorkerSlot(WorkerKind.Activity, 0, config, { permissions, name })];
      for (const n of names) this.#restricted.set(n, group);
    }
  }

  /**
   * Starts the Workers and waits until each has imported the modules and registered the same
   * definitions as the main isolate.
   *
   * @param options Modules, Worker counts and limits.
   * @returns The running pool.
   * @throws {ModuleLoadError} When a module fails to import in a Worker.
   * @throws {InvalidDefinitionError} When a Worker registered different definitions, naming one.
   * @throws {InvalidArgumentError} For a Worker count below 1.
   */
  static async create(options: WorkerPoolOptions): Promise<WorkerPoolExecutor> {
    const pool = new WorkerPoolExecutor(options);
    const started = await Promise.allSettled(
      pool.#slots().filter((s) => !s.probation).map((slot) => slot.start()),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) {
      await pool.close();
      throw failed.reason;
    }
    return pool;
  }

  /**
   * Counters: Workers, restarts, work in flight, work done per Worker.
   *
   * @returns The counters.
   */
  stats(): WorkerPoolStats {
    const slots = this.#slots();
    return {
      workflowWorkers: this.#workflowSlots.length,
      activityWorkers: this.#activitySlots.length + this.#restrictedSlots().length,
      restarts: slots.reduce((n, s) => n + s.restarts, 0),
      inFlight: slots.reduce((n, s) => n + s.inFlight, 0),
      activations: this.#workflowSlots.map((s) => s.answered),
      attempts: [...this.#activitySlots, ...this.#restrictedSlots()].map((s) => s.answered),
    };
  }

  /**
   * The lane of a run: the workflow Worker that runs it (`-1` on probation). The run loop
   * activates runs of different lanes in different calls, so that they do not wait for each other.
   *
   * @param workflowId The run.
   * @returns Its lane.
   */
  laneOf(workflowId: string): number {
    if (this.#onProbation.size > 0 && this.#onProbation.has(workflowId)) return -1;
    return hashSeed(workflowId) % this.#workflowSlots.length;
  }

  activate(requests: ActivationRequest[]): Promise<ActivationResponse[]> {
    if (this.#closed) {
      const error = serializeError(new EngineClosedError());
      return Promise.resolve(requests.map(() => ({ kind: "error", error })));
    }
    const groups = new Map<WorkerSlot, number[]>();
    requests.forEach((req, i) => {
      const slot = this.#slotOf(req.workflowId);
      groups.set(slot, [...groups.get(slot) ?? [], i]);
    });
    const out: ActivationResponse[] = new Array(requests.length);
    const submit = (slot: WorkerSlot, indexes: number[]) =>
      new Promise<void>((resolve) => {
        slot.submit({
          kind: "activate",
          id: this.#nextId++,
          suspect: false,
          crashes: 0,
          // The input is needed only to build an instance, which needs the history too.
          requests: indexes.map((i) => {
            const req = requests[i] as ActivationRequest;
            return req.history === undefined ? { ...req, input: null } : req;
          }),
          resolve: (responses) => {
            indexes.forEach((i, k) => {
              const response = responses[k] as ActivationResponse;
              out[i] = response;
              if (slot === this.#probation) {
                this.#released(requests[i] as ActivationRequest, response);
              }
            });
            resolve();
          },
        });
      });
    const sent: Promise<void>[] = [];
    for (const [slot, indexes] of groups) {
      // On probation, each activation runs alone.
      if (slot === this.#probation) { for (const i of indexes) sent.push(submit(slot, [i])); }
      else sent.push(submit(slot, indexes));
    }
    return Promise.all(sent).then(() => out);
  }

  /** A run on probation was answered: unless its history is asked for, it goes back to its lane. */
  #released(req: ActivationRequest, response: ActivationResponse): void {
    if (response.kind === "needHistory") return;
    this.#onProbation.delete(req.workflowId);
    this.#probation.evict([req.workflowId]);
  }

  #submitOnProbation(job: ActivationJob): void {
    const req = job.requests[0] as ActivationRequest;
    this.#onProbation.add(req.workflowId);
    const resolve = job.resolve;
    job.resolve = (responses) => {
      this.#released(req, responses[0] as ActivationResponse);
      resolve(responses);
    };
    this.#probation.submit(job);
  }

  runActivity(request: ActivityRequest, signal: AbortSignal): Promise<ActivityResult> {
    if (this.#closed) {
      return Promise.resolve({ ok: false, error: serializeError(new EngineClosedError()) });
    }
    if (signal.aborted) {
      return Promise.resolve({ ok: false, error: serializeError(signal.reason) });
    }
    return new Promise<ActivityResult>((resolve) => {
      const slot = this.#pickActivitySlot(request.name, false);
      const job: ActivityJob = {
        kind: "activity",
        id: this.#nextId++,
        suspect: false,
        crashes: 0,
        request,
        detached: false,
        sent: false,
        resolve: (result) => {
          signal.removeEventListener("abort", onAbort);
          resolve(result);
        },
      };
      const onAbort = () => job.holder?.abort(job, signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      slot.submit(job);
    });
  }

  evict(workflowId: string): void {
    this.#slotOf(workflowId).evict([workflowId]);
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    const closed = new EngineClosedError("The worker pool closed before the task ended");
    for (const slot of this.#slots()) slot.close(closed);
    return Promise.resolve();
  }

  #slots(): WorkerSlot[] {
    return [
      ...this.#workflowSlots,
      this.#probation,
      ...this.#activitySlots,
      ...this.#restrictedSlots(),
    ];
  }

  #restrictedSlots(): WorkerSlot[] {
    return [...new Set([...this.#restricted.values()].flat())];
  }

  #slotOf(workflowId: string): WorkerSlot {
    if (this.#onProbation.size > 0 && this.#onProbation.has(workflowId)) return this.#probation;
    return this.#workflowSlots[hashSeed(workflowId) % this.#workflowSlots.length] as WorkerSlot;
  }

  /**
   * The least loaded slot among those that may run the activity; for a suspect, first one with
   * the fewest suspects.
   */
  #pickActivitySlot(name: string, suspect: boolean): WorkerSlot {
    const slots = this.#restricted.get(name) ?? this.#activitySlots;
    let best = slots[0] as WorkerSlot;
    let bestScore = Infinity;
    for (const slot of slots) {
      const score = (suspect ? slot.suspects * 1e9 : 0) + slot.load;
      if (score < bestScore) {
        best = slot;
        bestScore = score;
      }
    }
    return best;
  }
}
