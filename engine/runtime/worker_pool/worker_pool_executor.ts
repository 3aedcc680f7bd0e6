/**
 * The executor that runs code in pools of module Web Workers (`workers: N`): workflow Workers,
 * sandboxed without I/O permissions, hold live workflow instances (a run always goes to the same
 * one, by a hash of its id); activity Workers run activity attempts with the process's
 * permissions. The main isolate keeps the store and every commit; Workers only compute.
 *
 * Supervision: a Worker that dies is replaced, and what it held is sent again (a workflow Worker's
 * replacement rebuilds instances from history through `needHistory`). After a death that nothing
 * explains, the tasks it held are "suspects" and run one at a time per Worker, so that a task that
 * kills its Worker again is found and, after `maxCrashes`, fails with `WorkerCrashedError` instead
 * of taking others down with it. An activity past its timeout (even one that never yields) gets
 * `ActivityTimeoutError`, and its Worker is stopped and replaced.
 *
 * @module
 */

import { hashSeed } from "../../core/random.ts";
import { defaultRegistry, type Registry } from "../../define/registry.ts";
import {
  ActivityTimeoutError,
  EngineClosedError,
  InvalidArgumentError,
  InvalidDefinitionError,
  serializeError,
  WorkerCrashedError,
  WorkflowStuckError,
} from "../../errors.ts";
import type {
  ActivationRequest,
  ActivationResponse,
  ActivityRequest,
  ActivityResult,
  Executor,
} from "../executor.ts";
import { registryMismatch, type RegistrySummary, summarizeRegistry } from "./fingerprint.ts";
import { type FromWorker, WorkerKind } from "./protocol.ts";
import { WorkerHost } from "./worker_host.ts";

/** Options of {@linkcode WorkerPoolExecutor.create}. */
export interface WorkerPoolOptions {
  /** URLs of the modules that define the workflows and activities; every Worker imports them. */
  modules: (string | URL)[];
  /** The main isolate's definitions; every Worker must register the same. @default the process-wide registry */
  registry?: Registry;
  /** Activity Workers. @default the number of cores */
  workers?: number;
  /** Workflow Workers. @default the same as `workers` */
  workflowWorkers?: number;
  /** Live workflow instances kept, over all workflow Workers. @default 10000 */
  cacheSize?: number;
  /** Time a workflow Worker gets for one batch of activations before it is stopped, in ms. @default 60000 */
  activationTimeoutMs?: number;
  /** Time beyond an activity's own timeout before its Worker is stopped, in ms. @default 1000 */
  killGraceMs?: number;
  /** Worker deaths one task may cause before it fails with `WorkerCrashedError`. @default 3 */
  maxCrashes?: number;
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
  /** Activity attempts answered by each activity Worker (by index, over its replacements). */
  attempts: number[];
}

interface BaseJob {
  id: number;
  slot: Slot;
  suspect: boolean;
  crashes: number;
  deadline?: ReturnType<typeof setTimeout>;
}

interface ActivationJob extends BaseJob {
  kind: "activate";
  requests: ActivationRequest[];
  resolve: (responses: ActivationResponse[]) => void;
}

interface ActivityJob extends BaseJob {
  kind: "activity";
  request: ActivityRequest;
  resolve: (result: ActivityResult) => void;
  /** Answered already (aborted); only its Worker's deadline still matters. */
  detached: boolean;
  sent: boolean;
}

type Job = ActivationJob | ActivityJob;

interface Slot {
  kind: WorkerKind;
  index: number;
  host: WorkerHost | undefined;
  queue: Job[];
  inFlight: Map<number, Job>;
  /** Activations or attempts answered. */
  answered: number;
}

function crashed(job: Job, reason: Error, times: number): WorkerCrashedError {
  const what = job.kind === "activity"
    ? `Activity "${job.request.name}" (workflow "${job.request.workflowId}", attempt ${job.request.attempt})`
    : `Workflow "${job.requests[0]?.name}" (id "${job.requests[0]?.workflowId}")`;
  return new WorkerCrashedError(
    `${what} stopped its Worker ${times} times: ${reason.name}: ${reason.message}`,
    { cause: reason },
  );
}

/** See the module doc. */
export class WorkerPoolExecutor implements Executor {
  readonly #registry: Registry;
  readonly #modules: string[];
  readonly #summary: RegistrySummary;
  readonly #workflowSlots: Slot[];
  readonly #activitySlots: Slot[];
  readonly #cacheSize: number;
  readonly #activationTimeoutMs: number;
  readonly #killGraceMs: number;
  readonly #maxCrashes: number;
  readonly #retryTimers = new Set<ReturnType<typeof setTimeout>>();
  #nextId = 1;
  #restarts = 0;
  #closed = false;

  private constructor(options: WorkerPoolOptions) {
    const workers = options.workers ?? navigator.hardwareConcurrency;
    const workflowWorkers = options.workflowWorkers ?? workers;
    for (const [name, n] of [["workers", workers], ["workflowWorkers", workflowWorkers]] as const) {
      if (!Number.isInteger(n) || n < 1) {
        throw new InvalidArgumentError(
          `Invalid ${name}: ${n}: it must be a whole number of at least 1`,
        );
      }
    }
    this.#registry = options.registry ?? defaultRegistry;
    this.#modules = options.modules.map(String);
    this.#summary = summarizeRegistry(this.#registry);
    this.#cacheSize = Math.ceil((options.cacheSize ?? 10_000) / workflowWorkers);
    this.#activationTimeoutMs = options.activationTimeoutMs ?? 60_000;
    this.#killGraceMs = options.killGraceMs ?? 1000;
    this.#maxCrashes = options.maxCrashes ?? 3;
    const slots = (kind: WorkerKind, n: number) =>
      Array.from({ length: n }, (_, index): Slot => ({
        kind,
        index,
        host: undefined,
        queue: [],
        inFlight: new Map(),
        answered: 0,
      }));
    this.#workflowSlots = slots(WorkerKind.Workflow, workflowWorkers);
    this.#activitySlots = slots(WorkerKind.Activity, workers);
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
    const slots = [...pool.#workflowSlots, ...pool.#activitySlots];
    const started = await Promise.allSettled(slots.map((slot) => pool.#start(slot)));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) {
      await pool.close();
      throw failed.reason;
    }
    return pool;
  }

  /** Counters: Workers, restarts, work in flight. */
  stats(): WorkerPoolStats {
    let inFlight = 0;
    for (const slot of [...this.#workflowSlots, ...this.#activitySlots]) {
      inFlight += slot.inFlight.size;
    }
    return {
      workflowWorkers: this.#workflowSlots.length,
      activityWorkers: this.#activitySlots.length,
      restarts: this.#restarts,
      inFlight,
      activations: this.#workflowSlots.map((s) => s.answered),
      attempts: this.#activitySlots.map((s) => s.answered),
    };
  }

  /** Starts (or restarts) the Worker of a slot and sends what waits for it. */
  async #start(slot: Slot): Promise<void> {
    const host = new WorkerHost({
      kind: slot.kind,
      index: slot.index,
      modules: this.#modules,
      cacheSize: this.#cacheSize,
      onMessage: (message) => this.#receive(slot, message),
      onDeath: (reason) => {
        if (slot.host === host) this.#died(slot, reason);
      },
    });
    slot.host = host;
    let summary: RegistrySummary;
    try {
      summary = await host.ready();
    } catch (e) {
      if (slot.host === host) slot.host = undefined;
      throw e;
    }
    const mismatch = registryMismatch(this.#summary, summary, host.label);
    if (mismatch !== undefined) {
      host.close();
      if (slot.host === host) slot.host = undefined;
      throw new InvalidDefinitionError(mismatch);
    }
    this.#pump(slot);
  }

  /**
   * Starts a slot's Worker again (a few tries); if it cannot start, fails what the slot holds.
   */
  #restart(slot: Slot, attempt = 1): void {
    if (this.#closed || slot.host !== undefined) return;
    this.#start(slot).catch((e: Error) => {
      if (this.#closed || slot.host !== undefined) return;
      if (attempt < 3) {
        const timer = setTimeout(() => {
          this.#retryTimers.delete(timer);
          this.#restart(slot, attempt + 1);
        }, 250 * attempt);
        this.#retryTimers.add(timer);
        return;
      }
      for (const job of [...slot.queue, ...slot.inFlight.values()]) this.#fail(job, e);
      slot.queue = [];
      slot.inFlight.clear();
    });
  }

  // ---------------------------------------------------------------- Executor

  activate(requests: ActivationRequest[]): Promise<ActivationResponse[]> {
    if (this.#closed) {
      const error = serializeError(new EngineClosedError());
      return Promise.resolve(requests.map(() => ({ kind: "error", error })));
    }
    const groups = new Map<Slot, number[]>();
    requests.forEach((req, i) => {
      const slot = this.#slotOf(req.workflowId);
      const group = groups.get(slot) ?? [];
      group.push(i);
      groups.set(slot, group);
    });
    const out: ActivationResponse[] = new Array(requests.length);
    return Promise.all([...groups].map(async ([slot, indexes]) => {
      const batch = indexes.map((i) => {
        const req = requests[i] as ActivationRequest;
        // The input is needed only to build an instance, which needs the history too.
        return req.history === undefined ? { ...req, input: null } : req;
      });
      const responses = await this.#activateOn(slot, batch);
      indexes.forEach((i, k) => out[i] = responses[k] as ActivationResponse);
    })).then(() => out);
  }

  runActivity(request: ActivityRequest, signal: AbortSignal): Promise<ActivityResult> {
    if (this.#closed) {
      return Promise.resolve({ ok: false, error: serializeError(new EngineClosedError()) });
    }
    if (signal.aborted) {
      return Promise.resolve({ ok: false, error: serializeError(signal.reason) });
    }
    return new Promise<ActivityResult>((resolve) => {
      const job: ActivityJob = {
        kind: "activity",
        id: this.#nextId++,
        slot: this.#pickActivitySlot(false),
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
      const onAbort = () => this.#abort(job, signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#enqueue(job);
    });
  }

  evict(workflowId: string): void {
    this.#slotOf(workflowId).host?.send({ type: "evict", workflowIds: [workflowId] });
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    const closed = new EngineClosedError("The worker pool closed before the task ended");
    for (const slot of [...this.#workflowSlots, ...this.#activitySlots]) {
      slot.host?.close();
      slot.host = undefined;
      for (const job of [...slot.queue, ...slot.inFlight.values()]) this.#fail(job, closed);
      slot.queue = [];
      slot.inFlight.clear();
    }
    return Promise.resolve();
  }

  // ---------------------------------------------------------------- routing

  #slotOf(workflowId: string): Slot {
    return this.#workflowSlots[hashSeed(workflowId) % this.#workflowSlots.length] as Slot;
  }

  #pickActivitySlot(suspect: boolean): Slot {
    let best = this.#activitySlots[0] as Slot;
    let bestScore = Infinity;
    for (const slot of this.#activitySlots) {
      let suspects = 0;
      for (const job of [...slot.queue, ...slot.inFlight.values()]) if (job.suspect) suspects++;
      const score = (suspect ? suspects * 1e9 : 0) + slot.queue.length + slot.inFlight.size;
      if (score < bestScore) {
        best = slot;
        bestScore = score;
      }
    }
    return best;
  }

  #activateOn(slot: Slot, requests: ActivationRequest[]): Promise<ActivationResponse[]> {
    return new Promise((resolve) => {
      this.#enqueue({
        kind: "activate",
        id: this.#nextId++,
        slot,
        suspect: false,
        crashes: 0,
        requests,
        resolve,
      });
    });
  }

  #enqueue(job: Job): void {
    job.slot.queue.push(job);
    if (job.slot.host === undefined) this.#restart(job.slot);
    else this.#pump(job.slot);
  }

  /** Sends what a slot's Worker may take now: everything, but one suspect at a time. */
  #pump(slot: Slot): void {
    const host = slot.host;
    if (host === undefined || this.#closed) return;
    let suspectRunning = [...slot.inFlight.values()].some((j) => j.suspect);
    const waiting: Job[] = [];
    for (const job of slot.queue) {
      if (job.suspect && suspectRunning) {
        waiting.push(job);
        continue;
      }
      if (job.suspect) suspectRunning = true;
      slot.inFlight.set(job.id, job);
      if (job.kind === "activate") {
        job.deadline = setTimeout(() => this.#activationOverdue(job), this.#activationTimeoutMs);
        host.send({ type: "activate", id: job.id, requests: job.requests });
      } else {
        job.sent = true;
        job.deadline = setTimeout(
          () => this.#activityOverdue(job),
          job.request.timeoutMs + this.#killGraceMs,
        );
        host.send({ type: "runActivity", id: job.id, request: job.request });
      }
    }
    slot.queue = waiting;
  }

  #receive(slot: Slot, message: FromWorker): void {
    if (message.type !== "activated" && message.type !== "activityDone") return;
    const job = slot.inFlight.get(message.id);
    if (job === undefined) return;
    slot.inFlight.delete(message.id);
    clearTimeout(job.deadline);
    if (job.kind === "activate" && message.type === "activated") {
      slot.answered += message.responses.length;
      job.resolve(message.responses);
    } else if (job.kind === "activity" && message.type === "activityDone") {
      slot.answered++;
      if (!job.detached) job.resolve(message.result);
    }
    if (job.suspect) this.#pump(slot);
  }

  #abort(job: ActivityJob, reason: unknown): void {
    if (job.detached) return;
    job.detached = true;
    job.resolve({ ok: false, error: serializeError(reason) });
    const slot = job.slot;
    if (!job.sent) {
      slot.queue = slot.queue.filter((j) => j !== job);
      return;
    }
    slot.host?.send({ type: "abort", id: job.id, reason: serializeError(reason) });
  }

  #fail(job: Job, error: Error): void {
    clearTimeout(job.deadline);
    if (job.kind === "activate") {
      const data = serializeError(error);
      job.resolve(job.requests.map(() => ({ kind: "error", error: data })));
    } else if (!job.detached) {
      job.detached = true;
      job.resolve({ ok: false, error: serializeError(error) });
    }
  }

  // ---------------------------------------------------------------- supervision

  #activityOverdue(job: ActivityJob): void {
    const { name, timeoutMs } = job.request;
    const timeout = new ActivityTimeoutError(name, timeoutMs / 1000);
    if (!job.detached) {
      job.detached = true;
      job.resolve({ ok: false, error: serializeError(timeout) });
    }
    job.slot.inFlight.delete(job.id);
    this.#stop(job.slot);
  }

  #activationOverdue(job: ActivationJob): void {
    const slot = job.slot;
    slot.inFlight.delete(job.id);
    if (job.requests.length === 1) {
      const req = job.requests[0] as ActivationRequest;
      const error = new WorkflowStuckError(
        `Workflow "${req.name}" (id "${req.workflowId}") did not finish an activation within ${this.#activationTimeoutMs} ms: its code ran without awaiting (an endless loop?), so its Worker was stopped`,
      );
      job.resolve([{ kind: "error", error: serializeError(error) }]);
    } else {
      for (const single of this.#split(job)) slot.queue.push(single);
    }
    this.#stop(slot);
  }

  /** Stops a slot's Worker for a known reason: what else it held is sent again as it was. */
  #stop(slot: Slot): void {
    this.#restarts++;
    const host = slot.host;
    slot.host = undefined;
    host?.close();
    for (const job of slot.inFlight.values()) {
      clearTimeout(job.deadline);
      if (job.kind === "activity" && job.detached) continue;
      if (job.kind === "activity") job.sent = false;
      slot.queue.push(job);
    }
    slot.inFlight.clear();
    this.#restart(slot);
  }

  /** A slot's Worker died for no known reason: blame the suspect it ran, retry the rest as suspects. */
  #died(slot: Slot, reason: Error): void {
    this.#restarts++;
    slot.host = undefined;
    const jobs = [...slot.inFlight.values()];
    slot.inFlight.clear();
    const retry: Job[] = [];
    for (const job of jobs) {
      clearTimeout(job.deadline);
      if (job.kind === "activity" && job.detached) continue;
      if (job.suspect) {
        job.crashes++;
        if (job.crashes >= this.#maxCrashes) {
          this.#fail(job, crashed(job, reason, job.crashes));
          continue;
        }
      }
      if (job.kind === "activate" && job.requests.length > 1) {
        retry.push(...this.#split(job));
        continue;
      }
      job.suspect = true;
      if (job.kind === "activity") job.sent = false;
      retry.push(job);
    }
    for (const job of retry) {
      if (job.kind === "activity") {
        job.slot = this.#pickActivitySlot(true);
        job.slot.queue.push(job);
        if (job.slot !== slot) this.#pump(job.slot);
      } else {
        slot.queue.push(job);
      }
    }
    this.#restart(slot);
  }

  /** Splits a batch of activations into single suspects whose answers reassemble the batch. */
  #split(job: ActivationJob): ActivationJob[] {
    const out: ActivationResponse[] = new Array(job.requests.length);
    let left = job.requests.length;
    return job.requests.map((req, i): ActivationJob => ({
      kind: "activate",
      id: this.#nextId++,
      slot: job.slot,
      suspect: true,
      crashes: 0,
      requests: [req],
      resolve: ([response]) => {
        out[i] = response as ActivationResponse;
        if (--left === 0) job.resolve(out);
      },
    }));
  }
}
