/**
 * One place in the pool: a Worker and what it holds. The slot sends jobs (suspects one at a
 * time), answers them, stops its Worker when a job overruns, and replaces the Worker when it dies,
 * sending again what it held.
 *
 * @module
 */

import {
  ActivityTimeoutError,
  InvalidDefinitionError,
  serializeError,
  WorkflowStuckError,
} from "../../errors.ts";
import type { ActivationRequest } from "../executor.ts";
import { registryMismatch, type RegistrySummary } from "./fingerprint.ts";
import {
  type ActivationJob,
  type ActivityJob,
  crashedError,
  failJob,
  type Job,
  splitJob,
} from "./jobs.ts";
import type { FromWorker, WorkerKind } from "./protocol.ts";
import { WorkerHost } from "./worker_host.ts";

/** What every slot of a pool shares. */
export interface SlotConfig {
  /** Module URLs the Workers import. */
  modules: string[];
  /** What the main isolate registered; every Worker must match it. */
  summary: RegistrySummary;
  /** Live workflow instances per workflow Worker. */
  cacheSize: number;
  /** Time a batch of activations gets, in ms. */
  activationTimeoutMs: number;
  /** Time beyond an activity's own timeout before its Worker is stopped, in ms. */
  killGraceMs: number;
  /** Deaths one job may cause before it fails. */
  maxCrashes: number;
  /** Gives request ids. */
  nextId: () => number;
  /** Places an activity suspect on some activity slot (perhaps another one). */
  reroute: (job: ActivityJob) => void;
  /** Told when a replacement Worker cannot start (it is tried again). */
  onError: (error: Error) => void;
}

const MAX_START_DELAY_MS = 5000;

/** See the module doc. */
export class WorkerSlot {
  /** What the Worker runs. */
  readonly kind: WorkerKind;
  /** Place in the pool. */
  readonly index: number;
  readonly #config: SlotConfig;
  readonly #group: { permissions: Deno.PermissionOptions; name: string } | undefined;
  readonly #retryTimers = new Set<ReturnType<typeof setTimeout>>();
  #host: WorkerHost | undefined;
  #queue: Job[] = [];
  readonly #inFlight = new Map<number, Job>();
  #closed = false;
  /** Activations or activity attempts answered. */
  answered = 0;
  /** Workers replaced after they died or were stopped. */
  restarts = 0;

  /**
   * @param kind What the Worker runs.
   * @param index Place in the pool.
   * @param config What the pool's slots share.
   * @param group For activity Workers with narrower permissions: those, and a name for messages.
   */
  constructor(
    kind: WorkerKind,
    index: number,
    config: SlotConfig,
    group?: { permissions: Deno.PermissionOptions; name: string },
  ) {
    this.kind = kind;
    this.index = index;
    this.#config = config;
    this.#group = group;
  }

  /** Jobs waiting or sent. */
  get load(): number {
    return this.#queue.length + this.#inFlight.size;
  }

  /** Jobs sent and not answered. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Suspects waiting or sent. */
  get suspects(): number {
    let n = 0;
    for (const job of [...this.#queue, ...this.#inFlight.values()]) if (job.suspect) n++;
    return n;
  }

  /**
   * Starts the Worker and sends what waits for it.
   *
   * @throws {ModuleLoadError} When a module fails to import in it.
   * @throws {InvalidDefinitionError} When it registers other definitions than the main isolate.
   */
  async start(): Promise<void> {
    const host = new WorkerHost({
      kind: this.kind,
      index: this.index,
      modules: this.#config.modules,
      cacheSize: this.#config.cacheSize,
      ...(this.#group === undefined
        ? {}
        : { permissions: this.#group.permissions, group: this.#group.name }),
      onMessage: (message) => this.#receive(message),
      onDeath: (reason) => {
        if (this.#host === host) this.#died(reason);
      },
    });
    this.#host = host;
    try {
      const summary = await host.ready();
      const mismatch = registryMismatch(this.#config.summary, summary, host.label);
      if (mismatch !== undefined) throw new InvalidDefinitionError(mismatch);
    } catch (e) {
      host.close();
      if (this.#host === host) this.#host = undefined;
      throw e;
    }
    this.#pump();
  }

  /**
   * Queues a job and sends it as soon as the Worker may take it.
   *
   * @param job The job.
   */
  submit(job: Job): void {
    if (job.kind === "activity") job.holder = this;
    this.#queue.push(job);
    if (this.#host === undefined) this.#restart();
    else this.#pump();
  }

  /**
   * Answers an activity attempt with `reason` at once and tells the Worker to abort it.
   *
   * @param job The attempt.
   * @param reason Why.
   */
  abort(job: ActivityJob, reason: unknown): void {
    if (job.detached) return;
    job.detached = true;
    job.resolve({ ok: false, error: serializeError(reason) });
    if (!job.sent) {
      this.#queue = this.#queue.filter((j) => j !== job);
      return;
    }
    this.#host?.send({ type: "abort", id: job.id, reason: serializeError(reason) });
  }

  /**
   * Tells a workflow Worker to forget instances.
   *
   * @param workflowIds The runs.
   */
  evict(workflowIds: string[]): void {
    this.#host?.send({ type: "evict", workflowIds });
  }

  /**
   * Stops the Worker and answers everything held with `error`.
   *
   * @param error Why.
   */
  close(error: Error): void {
    this.#closed = true;
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    this.#host?.close();
    this.#host = undefined;
    this.#failAll(error);
  }

  #failAll(error: Error): void {
    for (const job of [...this.#queue, ...this.#inFlight.values()]) failJob(job, error);
    this.#queue = [];
    this.#inFlight.clear();
  }

  /**
   * Starts the Worker again. A replacement that cannot start (a module changed on disk, say) is
   * reported and tried again, with a growing delay, while the jobs wait: they are durable work,
   * not to be failed for a passing fault of the host.
   */
  #restart(attempt = 1): void {
    if (this.#closed || this.#host !== undefined) return;
    this.start().catch((e: Error) => {
      if (this.#closed || this.#host !== undefined) return;
      this.#config.onError(e);
      const timer = setTimeout(() => {
        this.#retryTimers.delete(timer);
        this.#restart(attempt + 1);
      }, Math.min(MAX_START_DELAY_MS, 250 * attempt));
      this.#retryTimers.add(timer);
    });
  }

  /** Sends what the Worker may take now: everything, but one suspect at a time. */
  #pump(): void {
    const host = this.#host;
    if (host === undefined || this.#closed) return;
    let suspectRunning = [...this.#inFlight.values()].some((j) => j.suspect);
    const waiting: Job[] = [];
    for (const job of this.#queue) {
      if (job.suspect && suspectRunning) {
        waiting.push(job);
        continue;
      }
      if (job.suspect) suspectRunning = true;
      this.#inFlight.set(job.id, job);
      if (job.kind === "activate") {
        job.deadline = setTimeout(
          () => this.#activationOverdue(job),
          this.#config.activationTimeoutMs,
        );
        host.send({ type: "activate", id: job.id, requests: job.requests });
      } else {
        job.sent = true;
        job.deadline = setTimeout(
          () => this.#activityOverdue(job),
          job.request.timeoutMs + this.#config.killGraceMs,
        );
        host.send({ type: "runActivity", id: job.id, request: job.request });
      }
    }
    this.#queue = waiting;
  }

  #receive(message: FromWorker): void {
    if (message.type !== "activated" && message.type !== "activityDone") return;
    const job = this.#inFlight.get(message.id);
    if (job === undefined) return;
    this.#inFlight.delete(message.id);
    clearTimeout(job.deadline);
    if (job.kind === "activate" && message.type === "activated") {
      this.answered += message.responses.length;
      job.resolve(message.responses);
    } else if (job.kind === "activity" && message.type === "activityDone") {
      this.answered++;
      if (!job.detached) job.resolve(message.result);
    }
    if (job.suspect) this.#pump();
  }

  #activityOverdue(job: ActivityJob): void {
    const { name, timeoutMs } = job.request;
    if (!job.detached) {
      job.detached = true;
      job.resolve({
        ok: false,
        error: serializeError(new ActivityTimeoutError(name, timeoutMs / 1000)),
      });
    }
    this.#inFlight.delete(job.id);
    this.#stop();
  }

  #activationOverdue(job: ActivationJob): void {
    this.#inFlight.delete(job.id);
    if (job.requests.length === 1) {
      const req = job.requests[0] as ActivationRequest;
      const error = new WorkflowStuckError(
        `Workflow "${req.name}" (id "${req.workflowId}") did not finish an activation within ${this.#config.activationTimeoutMs} ms: its code ran without awaiting (an endless loop?), so its Worker was stopped`,
      );
      job.resolve([{ kind: "error", error: serializeError(error) }]);
    } else {
      this.#queue.push(...splitJob(job, this.#config.nextId));
    }
    this.#stop();
  }

  /** Stops the Worker for a known reason (an overrun): what else it held is sent again as it was. */
  #stop(): void {
    this.restarts++;
    const host = this.#host;
    this.#host = undefined;
    host?.close();
    for (const job of this.#inFlight.values()) {
      clearTimeout(job.deadline);
      if (job.kind === "activity") {
        if (job.detached) continue;
        job.sent = false;
      }
      this.#queue.push(job);
    }
    this.#inFlight.clear();
    this.#restart();
  }

  /** The Worker died for no known reason: blame the suspect it ran, retry the rest as suspects. */
  #died(reason: Error): void {
    this.restarts++;
    this.#host = undefined;
    const jobs = [...this.#inFlight.values()];
    this.#inFlight.clear();
    for (const job of jobs) {
      clearTimeout(job.deadline);
      if (job.kind === "activity" && job.detached) continue;
      if (job.suspect && ++job.crashes >= this.#config.maxCrashes) {
        failJob(job, crashedError(job, reason));
        continue;
      }
      if (job.kind === "activate") {
        if (job.requests.length > 1) this.#queue.push(...splitJob(job, this.#config.nextId));
        else this.#queue.push(Object.assign(job, { suspect: true }));
        continue;
      }
      job.suspect = true;
      job.sent = false;
      this.#config.reroute(job);
    }
    this.#restart();
  }
}
