/**
 * One place in the pool: a Worker and what it holds. The slot sends jobs (suspects one at a
 * time), answers them, stops its Worker when a job overruns, and replaces the Worker when it dies,
 * sending again what it held.
 *
 * Overruns of workflow activations: a batch's replays of history get `activationTimeoutMs`; its
 * activations (once the Worker says the replays are done, or at once when there is nothing to
 * replay) get the live deadline, `stuckAfterMs` (5 s by default). The activations of a batch that
 * overran go on probation: each one runs alone in the pool's probation slot (a Worker of its
 * own), where its instance is rebuilt from history first and its activation then runs against
 * the live deadline again; one that overruns there fails as stuck. The other jobs of the stopped
 * Worker go to its replacement, which rebuilds their instances from history. Runs that shared
 * a batch with the one that spins wait for it to be found (up to twice the deadline).
 *
 * Answers are taken only from the Worker that holds the job, once, and only when they fit the
 * job (the kind of answer, the number of answers).
 *
 * @module
 */

import {
  ActivityTimeoutError,
  InvalidArgumentError,
  InvalidDefinitionError,
  serializeError,
  WorkflowStuckError,
} from "../../errors.ts";
import type { ActivationRequest, ActivationResponse } from "../executor.ts";
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
  /** Time a batch of activations that replays history gets, in ms. */
  activationTimeoutMs: number;
  /** Time a batch of live activations (no history to replay) gets, in ms. */
  stuckAfterMs: number;
  /** Heap limit of each Worker (old generation), in MiB. */
  heapMb: number;
  /** Time beyond an activity's own timeout before its Worker is stopped, in ms. */
  killGraceMs: number;
  /** Deaths one job may cause before it fails. */
  maxCrashes: number;
  /** Gives request ids. */
  nextId: () => number;
  /** Places an activity suspect on some activity slot (perhaps another one). */
  reroute: (job: ActivityJob) => void;
  /** Puts a single activation that overran (or was in a batch that did) on probation. */
  probation: (job: ActivationJob) => void;
  /** Told when a replacement Worker cannot start (it is tried again), or sent a bad message. */
  onError: (error: Error) => void;
}

const MAX_START_DELAY_MS = 5000;

function replays(job: ActivationJob): boolean {
  for (const req of job.requests) {
    if (req.history !== undefined && req.history.length > 0) return true;
  }
  return false;
}

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
   * @param probation The pool's probation slot for activations that overran (see the module doc).
   */
  constructor(
    kind: WorkerKind,
    index: number,
    config: SlotConfig,
    group?: { permissions: Deno.PermissionOptions; name: string },
    probation = false,
  ) {
    this.kind = kind;
    this.index = index;
    this.#config = config;
    this.#group = group;
    this.probation = probation;
  }

  /** The pool's probation slot: every job runs alone, and one that overruns fails as stuck. */
  readonly probation: boolean;

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
      heapMb: this.#config.heapMb,
      ...(this.#group === undefined
        ? {}
        : { permissions: this.#group.permissions, group: this.#group.name }),
      ...(this.probation ? { group: "on probation" } : {}),
      onMessage: (message) => {
        // Only the Worker that holds a job answers it; a replaced one is not heard.
        if (this.#host === host) this.#receive(message, host);
      },
      onDeath: (reason) => {
        if (this.#host === host) this.#died(reason);
      },
      onMalformed: (error) => this.#config.onError(error),
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
    if (this.probation && job.kind === "activate") {
      const req = job.requests[0] as ActivationRequest;
      if (req.history === undefined) {
        // Its instance is rebuilt here from history: ask for it (the pool routes the run here).
        job.resolve([{ kind: "needHistory" }]);
        return;
      }
      job.suspect = true;
    }
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
        job.replaying = replays(job);
        job.deadline = setTimeout(
          () => this.#activationOverdue(job),
          job.replaying ? this.#config.activationTimeoutMs : this.#config.stuckAfterMs,
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

  #receive(message: FromWorker, host: WorkerHost): void {
    if (
      message.type !== "activated" && message.type !== "activityDone" && message.type !== "replayed"
    ) {
      return;
    }
    const job = this.#inFlight.get(message.id);
    if (job === undefined) return;
    if (message.type === "replayed") {
      if (job.kind !== "activate" || job.replaying !== true) {
        return this.#misfit(host, message.type);
      }
      // The instances are built: their activations now run against the live deadline.
      job.replaying = false;
      clearTimeout(job.deadline);
      job.deadline = setTimeout(() => this.#activationOverdue(job), this.#config.stuckAfterMs);
      return;
    }
    if (message.type === "activated") {
      if (job.kind !== "activate" || message.responses.length !== job.requests.length) {
        return this.#misfit(host, message.type);
      }
      this.#inFlight.delete(message.id);
      clearTimeout(job.deadline);
      this.answered += message.responses.length;
      job.resolve(message.responses as ActivationResponse[]);
    } else {
      if (job.kind !== "activity") return this.#misfit(host, message.type);
      this.#inFlight.delete(message.id);
      clearTimeout(job.deadline);
      this.answered++;
      if (!job.detached) job.resolve(message.result);
    }
    if (job.suspect) this.#pump();
  }

  #misfit(host: WorkerHost, type: string): void {
    this.#config.onError(
      new InvalidArgumentError(
        `The ${host.label} sent a "${type}" answer that does not fit the job it names: it was dropped`,
      ),
    );
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
    if (this.probation) {
      const req = job.requests[0] as ActivationRequest;
      const ms = job.replaying === true
        ? this.#config.activationTimeoutMs
        : this.#config.stuckAfterMs;
      const what = job.replaying === true ? "replay its history" : "finish an activation";
      const error = new WorkflowStuckError(
        `Workflow "${req.name}" (id "${req.workflowId}") did not ${what} within ${ms} ms, twice, in two Workers: its code ran without awaiting (an endless loop?), so its Workers were stopped`,
      );
      job.resolve([{ kind: "error", error: serializeError(error) }]);
    } else if (job.requests.length === 1) {
      job.suspect = false;
      this.#config.probation(job);
    } else {
      for (const single of splitJob(job, this.#config.nextId)) this.#config.probation(single);
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
