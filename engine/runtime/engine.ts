/**
 * The engine: owns a KV file (an owner lease), runs workflows through an executor, and commits
 * every transition (the resolutions delivered, the events the code made, the tasks, the timers
 * and the logs) in one atomic operation, grouped across workflows.
 *
 * @module
 */

import { dirname, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import type {
  ListOptions,
  ListPage,
  ResultOptions,
  StartOptions,
  TypedWorkflowRef,
  WorkflowClient,
  WorkflowHandle,
  WorkflowInfo,
  WorkflowRef,
} from "../client.ts";
import type { WorkflowDefinition } from "../replay/definitions.ts";
import { EventType, isoTime, type WorkflowEvent, WorkflowStatus } from "../replay/events.ts";
import { type HistoryEntry, pendingWork } from "../replay/history.ts";
import type { ActivationOutput } from "../replay/machine.ts";
import { trackEngine } from "../definition/default_engine.ts";
import { defaultRegistry, type Registry } from "../definition/registry.ts";
import { workflowDefinitionOf } from "../definition/workflow.ts";
import {
  EngineClosedError,
  ensureError,
  ErrorCode,
  InvalidArgumentError,
  LeaseLostError,
  ModuleLoadError,
  OwnerLeaseError,
  SchemaVersionError,
  type SerializedError,
  serializeError,
  StorageError,
  WorkflowAlreadyExistsError,
  WorkflowCancelledError,
  WorkflowNotFoundError,
  WorkflowNotRunningError,
  WorkflowStillRunningError,
} from "../errors.ts";
import { type JsonValue, toJson } from "../json.ts";
import {
  acquireLease,
  type HeldLease,
  type HistoryRecord,
  type InboxReply,
  inputReference,
  KvStore,
  LeaseHeld,
  type LogRecord,
  openKv,
  releaseLease,
  renewLease,
  SchemaMismatch,
  type StoredEvent,
  TaskKind,
  type TaskRecord,
  TaskStatus,
  type Transition,
  type WorkflowRecord,
} from "../../store/mod.ts";
import { Committer } from "./committer.ts";
import type { ActivationRequest, ActivationResponse, Executor } from "./executor.ts";
import { Handle, type HandleBackend } from "./handle.ts";
import { InIsolateExecutor } from "./in_isolate_executor.ts";
import { KvQueueWakeup } from "./kv_queue_wakeup.ts";
import { PollingWakeup } from "./polling_wakeup.ts";
import { type Item, Run } from "./run.ts";
import type { Wakeup } from "./wakeup.ts";
import { WorkerPoolExecutor } from "./worker_pool/mod.ts";
import { isTerminal, LoomReader, outcomeError } from "../views/mod.ts";

/** Named points where tests stop the engine to kill it (`crashPoint` option). */
export const CrashPoint = {
  /** The transition that created a run has landed. */
  StartCommitted: "start-committed",
  /** An activity attempt is about to run. */
  ActivityStarted: "activity-started",
  /** A transition that recorded an activity's result has landed; the next call is not sent yet. */
  ActivityCommitted: "activity-committed",
  /** A transition that armed a timer has landed. */
  TimerArmed: "timer-armed",
} as const;

/** A value of {@linkcode CrashPoint}. */
export type CrashPoint = typeof CrashPoint[keyof typeof CrashPoint];

/** What changed in one landed transition; observers (live feed, CLI) subscribe to these. */
export interface EngineChange {
  /** The run. */
  workflowId: string;
  /** Workflow name. */
  name: string;
  /** Status after the transition. */
  status: WorkflowStatus;
  /** The events recorded, with their global ids. */
  events: StoredEvent[];
  /** The log entries recorded. */
  logs: LogRecord[];
}

/** Options of {@linkcode createEngine}. */
export interface EngineOptions {
  /** KV file to own; `":memory:"` for a private in-memory store. @default ".loom/loom.kv" */
  kvPath?: string;
  /** An open KV handle to use instead of `kvPath` (the engine does not close it). */
  kv?: Deno.Kv;
  /**
   * Web Workers that run code: `N` sandboxed workflow Workers and `N` activity Workers; `0` runs
   * everything in this isolate. @default 0
   */
  workers?: number;
  /**
   * Modules that define workflows and activities (paths or URLs): imported before the engine
   * starts, here and in every Worker.
   */
  modules?: (string | URL)[];
  /** Definitions to run. @default the process-wide registry */
  registry?: Registry;
  /** How often the inbox (and the timer index, when polling) is read, in ms. @default 500 */
  pollIntervalMs?: number;
  /** Durable wake-ups: KV queue messages, or a polled timer index (KV without queues). @default "queue" */
  wakeup?: "queue" | "poll" | Wakeup;
  /** Live workflow instances kept in memory. @default 10000 */
  cacheSize?: number;
  /** Activity attempts running at once (over all activity Workers). @default 256 */
  concurrency?: number;
  /** Finished tasks kept; older ones are deleted. @default 10000 */
  taskRetention?: number;
  /** Lifetime of the owner lease without renewal, in ms. @default 1000 */
  leaseTtlMs?: number;
  /** How often the owner lease is renewed, in ms. @default 250 */
  leaseRenewMs?: number;
  /** How long `close()` lets running activities finish, in ms. @default 5000 */
  shutdownGraceMs?: number;
  /** Runs the code; by default chosen from `workers`. */
  executor?: Executor;
  /** Called with errors that no caller can receive (lost lease, storage failures). */
  onError?: (error: Error) => void;
  /** Test hook: called at named points (see {@linkcode CrashPoint}). */
  crashPoint?: (point: CrashPoint, workflowId: string) => void | Promise<void>;
}

type Effect =
  | { kind: "dispatch"; seq: number; name: string; args: JsonValue[] }
  | { kind: "abort"; seq: number; cancel: boolean }
  | { kind: "timer"; seq: number; at: number }
  | { kind: "clear"; seq: number }
  | { kind: "retry"; seq: number; at: number };

interface Work {
  run: Run;
  items: Item[];
  infos: WorkflowEvent[];
}

interface EndWaiter {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const DEFAULT_KV_PATH = ".loom/loom.kv";
/** Open tasks listed in a run's record (more are counted, not listed, to keep it small). */
const MAX_OPEN_TASKS = 200;
const PARTITION = 0;

function toEntry(h: HistoryRecord): HistoryEntry {
  return { kind: h.kind, time: h.time, events: h.events as WorkflowEvent[] };
}

function backoff(
  def: { retry: { initialIntervalMs: number; backoffCoefficient: number; maxIntervalMs: number } },
  attempt: number,
): number {
  const { initialIntervalMs, backoffCoefficient, maxIntervalMs } = def.retry;
  return Math.min(maxIntervalMs, initialIntervalMs * backoffCoefficient ** (attempt - 1));
}

/**
 * The engine that owns a KV file and runs workflows. Create it with {@linkcode createEngine};
 * close it with `close()` or `await using`.
 */
export class Engine implements WorkflowClient, AsyncDisposable {
  readonly #options: EngineOptions;
  readonly #registry: Registry;
  readonly #store: KvStore;
  readonly #reader: LoomReader;
  readonly #ownsKv: boolean;
  readonly #executor: Executor;
  readonly #wakeup: Wakeup;
  readonly #committer: Committer;
  readonly #runs = new Map<string, Run>();
  readonly #ready = new Set<Run>();
  readonly #starting = new Map<string, Promise<void>>();
  readonly #endWaiters = new Map<string, Set<EndWaiter>>();
  readonly #listeners = new Set<(change: EngineChange) => void>();
  #inFlight = 0;
  #drained: (() => void)[] = [];
  readonly #ownerId = crypto.randomUUID();
  #ids = { event: 0, log: 0 };
  #lease: HeldLease | undefined;
  #renewing = false;
  #flushQueued = false;
  #timers: ReturnType<typeof setInterval>[] = [];
  #closed = false;
  #closing: Promise<void> | undefined;
  #lost: Error | undefined;
  #running = 0;
  #slots: (() => void)[] = [];
  #untrack: () => void = () => {};

  private constructor(options: EngineOptions, store: KvStore, ownsKv: boolean) {
    this.#options = options;
    this.#registry = options.registry ?? defaultRegistry;
    this.#store = store;
    this.#reader = new LoomReader(store.kv, store.where);
    this.#ownsKv = ownsKv;
    this.#executor = options.executor ??
      new InIsolateExecutor({
        registry: this.#registry,
        ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
      });
    const wakeup = options.wakeup ?? "queue";
    this.#wakeup = typeof wakeup === "object"
      ? wakeup
      : wakeup === "poll"
      ? new PollingWakeup(store, options.pollIntervalMs ?? 500)
      : new KvQueueWakeup(store.kv);
    this.#committer = new Committer(store, (e) => this.#leaseLost(e));
  }

  /**
   * Opens the store, takes the owner lease, recovers unfinished runs and starts.
   *
   * @param options See {@linkcode EngineOptions}.
   * @returns The running engine.
   */
  static async create(options: EngineOptions = {}): Promise<Engine> {
    const workers = options.workers ?? 0;
    if (!Number.isInteger(workers) || workers < 0) {
      throw new InvalidArgumentError(
        `Invalid workers: ${workers}: it must be 0 (run in this isolate) or a whole number of Web Workers`,
      );
    }
    const modules = (options.modules ?? []).map((m) =>
      m instanceof URL || /^[a-z][a-z0-9+.-]+:/i.test(m)
        ? String(m)
        : pathToFileURL(resolvePath(m)).href
    );
    for (const url of modules) {
      try {
        await import(url);
      } catch (e) {
        const cause = ensureError(e);
        throw new ModuleLoadError(url, `Cannot load module "${url}": ${cause.message}`, { cause });
      }
    }
    let executor = options.executor;
    if (executor === undefined && workers > 0) {
      executor = await WorkerPoolExecutor.create({
        modules,
        workers,
        ...(options.registry === undefined ? {} : { registry: options.registry }),
        ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
        ...(options.onError === undefined ? {} : { onError: options.onError }),
      });
    }
    const where = options.kv !== undefined ? "(given handle)" : options.kvPath ?? DEFAULT_KV_PATH;
    let kv = options.kv;
    let engine: Engine | undefined;
    try {
      if (kv === undefined) {
        if (where !== ":memory:" && !/^https?:/.test(where)) {
          await Deno.mkdir(dirname(resolvePath(where)), { recursive: true });
        }
        kv = await openKv(where);
      }
      const store = new KvStore(kv, where);
      engine = new Engine(
        executor === undefined ? options : { ...options, executor },
        store,
        options.kv === undefined,
      );
      await engine.#open();
    } catch (e) {
      if (options.kv === undefined) kv?.close();
      if (executor !== options.executor) await executor?.close();
      throw e;
    }
    return engine;
  }

  async #open(): Promise<void> {
    try {
      await this.#store.ensureSchema();
    } catch (e) {
      if (e instanceof SchemaMismatch) throw new SchemaVersionError(e.message);
      throw e;
    }
    const ttl = this.#options.leaseTtlMs ?? 1000;
    const renew = this.#options.leaseRenewMs ?? 250;
    try {
      this.#lease = await acquireLease(this.#store.kv, {
        ownerId: this.#ownerId,
        partition: PARTITION,
        ttlMs: ttl,
        renewMs: renew,
      }, this.#store.where);
    } catch (e) {
      if (e instanceof LeaseHeld) throw new OwnerLeaseError(e.message);
      throw e;
    }
    this.#store.setFence(PARTITION, this.#lease.epochVersionstamp);
    // One renewal at a time: a second one started while the first waits behind a long commit
    // queue would carry the old versionstamp, fail its check and look like a lost lease.
    let renewing = false;
    this.#timers.push(setInterval(() => {
      if (renewing) return;
      renewing = true;
      this.#renewLease(ttl).finally(() => renewing = false);
    }, renew));
    try {
      this.#ids = await this.#store.lastIds();
      await this.#recover();
    } catch (e) {
      this.#stopTimers();
      await releaseLease(this.#store.kv, this.#lease, PARTITION).catch(() => {});
      throw e;
    }
    this.#wakeup.start((id, seq) => this.#due(id, seq));
    const poll = this.#options.pollIntervalMs ?? 500;
    let reading = false;
    this.#timers.push(setInterval(() => {
      if (reading || this.#closed) return;
      reading = true;
      this.#pollInbox().catch((e) => this.#report(e)).finally(() => reading = false);
    }, poll));
    const prune = () => {
      this.#store.pruneTasks(this.#options.taskRetention ?? 10_000).catch((e) => this.#report(e));
    };
    prune();
    this.#timers.push(setInterval(prune, 30_000));
    this.#untrack = trackEngine(this);
  }

  // ---------------------------------------------------------------- client API

  /**
   * Starts a run, or returns the run that has the same id.
   *
   * @param workflow A `@workflow` class, a definition, or a workflow name.
   * @param input The run's input (a JSON value).
   * @param options Id, version, and what to do when the id exists.
   * @returns A handle on the run.
   * @throws {WorkflowDefinitionNotFoundError} For an unknown name or version.
   * @throws {InvalidPayloadError} When the input is not JSON.
   * @throws {WorkflowAlreadyExistsError} With `ifExists: "fail"` when the id exists.
   */
  start<I, S extends object>(
    workflow: TypedWorkflowRef<I, S>,
    input: I,
    options?: StartOptions,
  ): Promise<WorkflowHandle<S>>;
  start<S = Record<string, JsonValue>>(
    workflow: WorkflowRef,
    input?: unknown,
    options?: StartOptions,
  ): Promise<WorkflowHandle<S>>;
  async start(
    workflow: WorkflowRef | TypedWorkflowRef<unknown, object>,
    input?: unknown,
    options: StartOptions = {},
  ): Promise<WorkflowHandle<unknown>> {
    this.#assertOpen();
    const def = this.#definition(workflow as WorkflowRef, options.version);
    const payload = toJson(input === undefined ? null : input, "input");
    const given = options.workflowId;
    if (given !== undefined && (typeof given !== "string" || given === "" || given.length > 512)) {
      throw new InvalidArgumentError(
        `Invalid workflowId ${JSON.stringify(given)}: it must be a string of 1 to 512 characters`,
      );
    }
    const id = given ?? crypto.randomUUID();
    let exists: boolean;
    do {
      while (this.#starting.has(id)) await this.#starting.get(id)?.catch(() => {});
      exists = this.#runs.has(id) ||
        (given !== undefined && await this.#store.getWorkflow(id) !== undefined);
      // Another start of the same id may have begun while the store was read: look again.
    } while (!exists && (this.#starting.has(id) || this.#runs.has(id)));
    if (exists) {
      if (options.ifExists === "fail") throw new WorkflowAlreadyExistsError(id);
      return this.getHandle<unknown>(id);
    }
    const time = Date.now();
    const record: WorkflowRecord = {
      id,
      name: def.name,
      version: def.version,
      description: def.description,
      module: "",
      status: WorkflowStatus.Running,
      createdAt: time,
      updatedAt: time,
      entries: 0,
      events: 0,
      input: inputReference(id, payload),
      partition: PARTITION,
      tasks: [],
    };
    const run = new Run(record, payload);
    run.created = true;
    const landed = new Promise<void>((resolve, reject) => {
      this.#enqueue(run, {
        event: {
          type: EventType.WorkflowStarted,
          payload: { input: payload, workflow_name: def.name, version: def.version },
        },
        done: (error) => error === undefined ? resolve() : reject(error),
      });
    });
    this.#runs.set(id, run);
    this.#starting.set(id, landed);
    try {
      await landed;
    } finally {
      this.#starting.delete(id);
    }
    return this.getHandle<unknown>(id);
  }

  /**
   * A handle on a run by id (not checked until used).
   *
   * @param workflowId The run.
   * @returns The handle.
   */
  getHandle<S = Record<string, JsonValue>>(workflowId: string): WorkflowHandle<S> {
    return new Handle<S>(this.#backend, workflowId);
  }

  /**
   * Lists runs, newest first.
   *
   * @param options Status, workflow name, page size, cursor.
   * @returns A page of runs and the cursor of the next one.
   */
  list(options: ListOptions = {}): Promise<ListPage> {
    return this.#reader.list(options);
  }

  /**
   * Calls `listener` after every landed transition.
   *
   * @param listener Receives what changed.
   * @returns A function that unsubscribes.
   */
  subscribe(listener: (change: EngineChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads what this engine's KV file holds (HTTP API, CLI, dashboard). */
  get reader(): LoomReader {
    return this.#reader;
  }

  /** The definitions this engine runs. */
  get registry(): Registry {
    return this.#registry;
  }

  /** Counts of what is in flight, for status lines and stats. */
  stats(): { running: number; activities: number; timers: number; commitQueue: number } {
    let activities = 0;
    let timers = 0;
    for (const run of this.#runs.values()) {
      activities += run.activities.size;
      timers += run.timers.size;
    }
    return {
      running: this.#runs.size,
      activities,
      timers,
      commitQueue: this.#committer.pending,
    };
  }

  /**
   * Stops: no new work, running activities get `shutdownGraceMs` to finish, everything
   * submitted lands, the lease is released.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** Same as {@linkcode Engine.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---------------------------------------------------------------- handle backend

  readonly #backend: HandleBackend = {
    status: async (id) => {
      const run = this.#runs.get(id);
      if (run?.committed !== undefined) return run.committed.status as WorkflowStatus;
      return (await this.#record(id)).status as WorkflowStatus;
    },
    result: (id, options) => this.#result(id, options),
    signal: (id, name, data) => this.#signal(id, name, data),
    cancel: (id, reason) => this.#cancel(id, reason),
    info: (id) => this.#info(id),
  };

  async #record(id: string): Promise<WorkflowRecord> {
    const record = await this.#store.getWorkflow(id);
    if (record === undefined) throw new WorkflowNotFoundError(id);
    return record;
  }

  async #result(id: string, options: ResultOptions): Promise<unknown> {
    if (this.#starting.has(id)) await this.#starting.get(id);
    const record = await this.#record(id);
    if (isTerminal(record.status)) return this.#outcome(record);
    if (options.wait === false) throw new WorkflowStillRunningError(id);
    this.#assertOpen();
    return await new Promise<unknown>((resolve, reject) => {
      const waiters = this.#endWaiters.get(id) ?? new Set<EndWaiter>();
      const waiter: EndWaiter = {
        resolve: (v) => {
          options.signal?.removeEventListener("abort", onAbort);
          resolve(v);
        },
        reject: (e) => {
          options.signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      };
      const onAbort = () => {
        waiters.delete(waiter);
        reject(options.signal?.reason);
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      waiters.add(waiter);
      this.#endWaiters.set(id, waiters);
      // The run may have ended between the read and the registration.
      if (!this.#runs.has(id)) {
        this.#record(id).then((r) => {
          if (isTerminal(r.status)) this.#outcome(r).then(waiter.resolve, waiter.reject);
        }).catch(waiter.reject);
      }
    });
  }

  async #outcome(record: WorkflowRecord): Promise<unknown> {
    if (record.status === WorkflowStatus.Completed) {
      return record.result === undefined
        ? {}
        : await this.#store.readValue(record.id, record.result);
    }
    throw outcomeError(record);
  }

  async #liveRun(id: string, action: string): Promise<Run> {
    this.#assertOpen();
    if (this.#starting.has(id)) await this.#starting.get(id);
    const run = this.#runs.get(id);
    if (run !== undefined) {
      if (run.blocked !== undefined) throw run.blocked;
      return run;
    }
    const record = await this.#record(id);
    if (isTerminal(record.status)) throw new WorkflowNotRunningError(action, id, record.status);
    throw new StorageError(`Workflow "${id}" is RUNNING in the store but not loaded by this owner`);
  }

  async #signal(id: string, name: string, data: JsonValue): Promise<void> {
    if (typeof name !== "string" || name === "") {
      throw new InvalidArgumentError("A signal needs a non-empty name");
    }
    const payload = toJson(data === undefined ? null : data, `signal "${name}" data`);
    const run = await this.#liveRun(id, `signal "${name}" to`);
    await new Promise<void>((resolve, reject) => {
      this.#enqueue(run, {
        event: {
          type: EventType.SignalReceived,
          payload: { name, payload, sent_at: isoTime(Date.now()) },
        },
        done: (error) => error === undefined ? resolve() : reject(error),
      });
    });
  }

  async #cancel(id: string, reason: string): Promise<void> {
    const text = String(reason);
    let run: Run;
    try {
      run = await this.#liveRun(id, "cancel");
    } catch (e) {
      if (e instanceof WorkflowNotRunningError && e.status === WorkflowStatus.Cancelled) return;
      throw e;
    }
    await new Promise<void>((resolve, reject) => {
      this.#enqueue(run, {
        event: {
          type: EventType.CancelRequested,
          payload: { reason: text, requested_at: isoTime(Date.now()) },
        },
        done: (error) => error === undefined ? resolve() : reject(error),
      });
    });
  }

  async #info(id: string): Promise<WorkflowInfo> {
    if (this.#starting.has(id)) await this.#starting.get(id);
    return this.#reader.info(await this.#record(id));
  }

  // ---------------------------------------------------------------- activation loop

  #definition(ref: WorkflowRef, version?: string): WorkflowDefinition {
    if (typeof ref === "string") return this.#registry.getWorkflow(ref, version);
    const def = workflowDefinitionOf(ref);
    if (def === undefined) {
      const name = typeof ref === "function" ? ref.name : String((ref as { name?: string }).name);
      throw new InvalidArgumentError(
        `Cannot start "${name}": it is not a workflow (decorate the class with @workflow, or use defineWorkflow)`,
      );
    }
    return version === undefined || version === def.version
      ? def
      : this.#registry.getWorkflow(def.name, version);
  }

  #enqueue(run: Run, item: Item): void {
    run.inbox.push(item);
    this.#schedule(run);
  }

  #schedule(run: Run): void {
    if (run.busy || run.ended || run.broken) return;
    if (run.inbox.length === 0 && run.infos.length === 0) return;
    this.#ready.add(run);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#flushQueued = false;
    if (this.#lost !== undefined) return;
    const runs = [...this.#ready];
    this.#ready.clear();
    if (runs.length === 0) return;
    for (const run of runs) run.busy = true;
    const work: Work[] = runs.map((run) => ({
      run,
      items: run.inbox.splice(0),
      infos: run.infos.splice(0),
    }));
    this.#track(this.#process(work));
  }

  #track(p: Promise<void>): void {
    this.#inFlight++;
    p.then(() => this.#settled(), (e) => {
      this.#report(e);
      this.#settled();
    });
  }

  #settled(): void {
    if (--this.#inFlight > 0) return;
    for (const resolve of this.#drained.splice(0)) resolve();
  }

  async #process(work: Work[]): Promise<void> {
    const time = Date.now();
    const activating = work.filter((w) => w.items.length > 0);
    const responses = await this.#activate(activating, time);
    for (const w of work) this.#track(this.#land(w, responses.get(w.run), time));
  }

  async #activate(work: Work[], time: number): Promise<Map<Run, ActivationResponse>> {
    const out = new Map<Run, ActivationResponse>();
    if (work.length === 0) return out;
    const request = (w: Work, history?: HistoryEntry[]): ActivationRequest => {
      const req: ActivationRequest = {
        workflowId: w.run.id,
        name: w.run.record.name,
        version: w.run.record.version,
        input: w.run.input,
        activation: { time, inbound: w.items.map((i) => i.event) },
      };
      if (history !== undefined) req.history = history;
      return req;
    };
    const first = await this.#executor.activate(work.map((w) => {
      // A run that does not exist yet has no history: the executor needs no round trip.
      const req = request(w, w.run.created ? [] : w.run.history);
      w.run.history = undefined;
      return req;
    }));
    const missing: Work[] = [];
    first.forEach((res, i) => {
      const w = work[i] as Work;
      if (res.kind === "needHistory") missing.push(w);
      else out.set(w.run, res);
    });
    if (missing.length > 0) {
      const histories = await Promise.all(
        missing.map(async (w) => (await this.#store.loadHistory(w.run.id)).map(toEntry)),
      );
      const second = await this.#executor.activate(
        missing.map((w, i) => request(w, histories[i])),
      );
      second.forEach((res, i) => out.set((missing[i] as Work).run, res));
    }
    return out;
  }

  /** Builds the transition of one run, commits it, then carries out its effects. */
  async #land(w: Work, response: ActivationResponse | undefined, time: number): Promise<void> {
    const run = w.run;
    if (response?.kind === "error" && response.error.code === ErrorCode.DefinitionNotFound) {
      run.blocked = new StorageError(
        `Workflow "${run.id}" cannot continue: ${response.error.message}`,
      );
      this.#report(run.blocked);
      for (const item of w.items) item.done?.(run.blocked);
      w.items = [];
      response = undefined;
    }
    let output: ActivationOutput | undefined;
    if (response?.kind === "output") output = response.output;
    if (response?.kind === "error") output = this.#failure(w.items, response.error, time);
    const record: WorkflowRecord = { ...run.record };
    const t: Transition = {
      workflowId: run.id,
      record,
      history: [],
      finishedTasks: [],
      logs: [],
      timersSet: [],
      timersDelete: [],
      enqueue: [],
    };
    const tasks = new Map<number, TaskRecord>();
    const effects: Effect[] = [];
    let stepTask = run.stepTask;
    const append = (kind: "activation" | "info", events: WorkflowEvent[]) => {
      const firstEventId = this.#ids.event + 1;
      this.#ids.event += events.length;
      t.history.push({ r: record.entries, kind, time, firstEventId, events });
      record.entries++;
      record.events += events.length;
      events.forEach((e, i) => {
        const id = firstEventId + i;
        stepTask = this.#account(run, e, id, time, t, tasks, effects, stepTask);
      });
    };
    if (w.infos.length > 0) append("info", w.infos);
    if (output !== undefined) {
      const events = [...output.inbound, ...output.outbound];
      if (events.length > 0) append("activation", events);
      for (const line of output.logs) {
        const log: LogRecord = {
          id: ++this.#ids.log,
          workflowId: run.id,
          workflowName: record.name,
          level: line.level,
          message: line.message,
          createdAt: line.time,
        };
        if (line.step !== undefined) log.step = line.step;
        t.logs.push(log);
      }
      if (output.status !== record.status) {
        if (!run.created) t.previousStatus = record.status;
        record.status = output.status;
      }
      if (output.status !== WorkflowStatus.Running) {
        record.completedAt = time;
        t.result = output.state ?? {};
        if (output.status === WorkflowStatus.Cancelled) {
          const ended = output.outbound.find((e) => e.type === EventType.WorkflowCancelled);
          const reason = ended?.type === EventType.WorkflowCancelled
            ? ended.payload.reason
            : "cancelled";
          record.error = serializeError(new WorkflowCancelledError(reason)) as never;
        } else if (output.error !== undefined) {
          record.error = output.error as never;
        }
        if (stepTask !== undefined) {
          stepTask = {
            ...stepTask,
            status: output.status === WorkflowStatus.Completed
              ? TaskStatus.Completed
              : TaskStatus.Failed,
            updatedAt: time,
            ...(output.error === undefined ? {} : { lastError: output.error.message }),
          };
        }
      }
    }
    const done = (task: TaskRecord) =>
      task.status === TaskStatus.Completed || task.status === TaskStatus.Failed;
    for (const task of tasks.values()) if (done(task)) t.finishedTasks.push(task);
    if (stepTask !== undefined && done(stepTask)) t.finishedTasks.push(stepTask);
    if (t.history.length === 0 && t.logs.length === 0) {
      for (const item of w.items) item.done?.();
      this.#release(run);
      return;
    }
    record.updatedAt = time;
    const created = run.created;
    if (created) {
      t.created = true;
      t.input = run.input;
    }
    // Pipelining: the run moves on in memory now; its next activation may start while this
    // transition commits (the committer keeps each run's transitions in order, and refuses the
    // later ones of a run whose transition was refused). Every effect outside the engine waits
    // for the commit: an activity starts only once everything its arguments may derive from
    // (earlier results, signals, ctx.now()) is durable, so a retry after a crash gets the same
    // arguments (idempotency keys stay stable).
    run.created = false;
    run.record = record;
    run.stepTask = stepTask !== undefined && done(stepTask) ? undefined : stepTask;
    for (const [seq, task] of tasks) {
      if (done(task)) run.tasks.delete(seq);
      else run.tasks.set(seq, task);
    }
    const open = run.stepTask === undefined ? [] : [run.stepTask];
    for (const task of run.tasks.values()) {
      if (open.length >= MAX_OPEN_TASKS) break;
      open.push(task);
    }
    record.tasks = open;
    const omitted = run.tasks.size + (run.stepTask === undefined ? 0 : 1) - open.length;
    if (omitted > 0) record.tasksOmitted = omitted;
    else delete record.tasksOmitted;
    const terminal = isTerminal(record.status);
    if (terminal) run.ended = true;
    const landed = this.#committer.submit(t);
    this.#release(run);
    try {
      await landed;
    } catch (e) {
      await this.#refused(run, w, ensureError(e));
      return;
    }
    if (run.broken) return;
    run.committed = record;
    for (const item of w.items) item.done?.();
    if (this.#listeners.size > 0) {
      const events: StoredEvent[] = [];
      for (const h of t.history) {
        (h.events as WorkflowEvent[]).forEach((e, i) =>
          events.push({
            id: h.firstEventId + i,
            workflowId: run.id,
            type: e.type,
            payload: e.payload,
            createdAt: h.time,
          })
        );
      }
      this.#emit({
        workflowId: run.id,
        name: record.name,
        status: record.status as WorkflowStatus,
        events,
        logs: t.logs,
      });
    }
    const made = (type: string) =>
      t.history.some((h) => (h.events as WorkflowEvent[]).some((e) => e.type === type));
    if (created) await this.#crash(CrashPoint.StartCommitted, run.id);
    if (this.#options.crashPoint !== undefined && made(EventType.ActivityCompleted)) {
      await this.#crash(CrashPoint.ActivityCommitted, run.id);
    }
    if (terminal) {
      this.#finish(run, record, t.result);
      return;
    }
    for (const effect of effects) this.#effect(run, effect);
    if (this.#options.crashPoint !== undefined && made(EventType.TimerScheduled)) {
      await this.#crash(CrashPoint.TimerArmed, run.id);
    }
  }

  #release(run: Run): void {
    run.busy = false;
    this.#schedule(run);
  }

  /** Synthesizes the failure of a run that the executor could not run. */
  #failure(items: Item[], error: SerializedError, time: number): ActivationOutput {
    return {
      inbound: items.map((i) => i.event),
      outbound: [{
        type: EventType.WorkflowFailed,
        payload: { error: error.message, error_detail: error, failed_at: isoTime(time) },
      }],
      outboundSteps: [undefined],
      logs: [],
      status: WorkflowStatus.Failed,
      error,
    };
  }

  /** A transition was refused by the store: the run fails (its code state is lost). */
  async #refused(run: Run, w: Work, error: Error): Promise<void> {
    if (run.broken || this.#lost !== undefined) {
      for (const item of w.items) item.done?.(error);
      return;
    }
    run.broken = true;
    this.#executor.evict(run.id);
    for (const a of run.activities.values()) a.controller?.abort(error);
    run.activities.clear();
    for (const seq of [...run.timeouts.keys()]) this.#clearTimeout(run, seq);
    const storageError = new StorageError(
      `Could not store a transition of workflow "${run.id}": ${error.message}`,
      { cause: error },
    );
    this.#report(storageError);
    for (const item of w.items) item.done?.(storageError);
    if (run.committed === undefined) {
      this.#runs.delete(run.id);
      this.#ready.delete(run);
      for (const item of run.inbox.splice(0)) item.done?.(storageError);
      return;
    }
    // Fail the run from its last landed state; the refused transitions never happened.
    run.record = run.committed;
    run.tasks.clear();
    run.stepTask = undefined;
    for (const task of run.committed.tasks ?? []) {
      if (task.kind === TaskKind.Step) run.stepTask = task;
      else if (task.seq !== undefined) run.tasks.set(task.seq, task);
    }
    run.broken = false;
    run.ended = false;
    run.infos = [];
    const items = run.inbox.splice(0);
    for (const item of items) item.done?.(storageError);
    await this.#land(
      { run, items: [], infos: [] },
      { kind: "error", error: serializeError(storageError) },
      Date.now(),
    );
  }

  /** Updates tasks, timers and effects for one recorded event. */
  #account(
    run: Run,
    e: WorkflowEvent,
    id: number,
    time: number,
    t: Transition,
    tasks: Map<number, TaskRecord>,
    effects: Effect[],
    stepTask: TaskRecord | undefined,
  ): TaskRecord | undefined {
    const name = run.record.name;
    const task = (seq: number) => tasks.get(seq) ?? run.tasks.get(seq);
    const update = (seq: number, patch: Partial<TaskRecord>, kind: TaskKind, target: string) => {
      // A task left out of a large record is rebuilt from what the event tells.
      const old: TaskRecord = task(seq) ?? {
        id,
        workflowId: run.id,
        workflowName: name,
        kind,
        target,
        status: TaskStatus.Running,
        attempts: 1,
        maxAttempts: 1,
        runAt: time,
        createdAt: time,
        updatedAt: time,
        seq,
      };
      tasks.set(seq, { ...old, ...patch, updatedAt: time });
    };
    switch (e.type) {
      case EventType.WorkflowStarted:
        return {
          id,
          workflowId: run.id,
          workflowName: name,
          kind: TaskKind.Step,
          target: name,
          status: TaskStatus.Running,
          attempts: 1,
          maxAttempts: 1,
          runAt: time,
          createdAt: time,
          updatedAt: time,
        };
      case EventType.ActivityScheduled:
        tasks.set(e.payload.seq, {
          id,
          workflowId: run.id,
          workflowName: name,
          kind: TaskKind.Activity,
          target: e.payload.name,
          status: TaskStatus.Running,
          attempts: 1,
          maxAttempts: e.payload.retry_count + 1,
          runAt: time,
          createdAt: time,
          updatedAt: time,
          seq: e.payload.seq,
        });
        effects.push({
          kind: "dispatch",
          seq: e.payload.seq,
          name: e.payload.name,
          args: e.payload.args,
        });
        break;
      case EventType.ActivityRetrying:
        update(
          e.payload.seq,
          {
            status: TaskStatus.Pending,
            attempts: e.payload.attempt,
            runAt: e.payload.next_attempt_at_ms,
            lastError: e.payload.error,
          },
          TaskKind.Activity,
          e.payload.name,
        );
        this.#wakeup.arm(t, run.id, e.payload.seq, e.payload.next_attempt_at_ms);
        effects.push({ kind: "retry", seq: e.payload.seq, at: e.payload.next_attempt_at_ms });
        break;
      case EventType.ActivityCompleted:
      case EventType.ActivityFailed:
      case EventType.ActivityCancelled: {
        const seq = e.payload.seq;
        for (const due of run.activities.get(seq)?.armed ?? []) {
          this.#wakeup.disarm(t, run.id, seq, due);
        }
        const activity = e.payload.name;
        if (e.type === EventType.ActivityCompleted) {
          update(
            seq,
            { status: TaskStatus.Completed, attempts: e.payload.attempt },
            TaskKind.Activity,
            activity,
          );
        } else if (e.type === EventType.ActivityFailed) {
          update(
            seq,
            {
              status: TaskStatus.Failed,
              attempts: e.payload.attempts,
              lastError: e.payload.error,
            },
            TaskKind.Activity,
            activity,
          );
        } else {
          update(
            seq,
            {
              status: TaskStatus.Failed,
              lastError: `cancelled: ${e.payload.reason.slice(0, 1000)}`,
            },
            TaskKind.Activity,
            activity,
          );
        }
        // Only a cancelled call may still be running; a finished one just leaves.
        effects.push({ kind: "abort", seq, cancel: e.type === EventType.ActivityCancelled });
        break;
      }
      case EventType.TimerScheduled:
        tasks.set(e.payload.seq, {
          id,
          workflowId: run.id,
          workflowName: name,
          kind: TaskKind.Timer,
          target: "__timer__",
          status: TaskStatus.Pending,
          attempts: 0,
          maxAttempts: 1,
          runAt: e.payload.fire_at_ms,
          createdAt: time,
          updatedAt: time,
          seq: e.payload.seq,
        });
        this.#wakeup.arm(t, run.id, e.payload.seq, e.payload.fire_at_ms);
        effects.push({ kind: "timer", seq: e.payload.seq, at: e.payload.fire_at_ms });
        break;
      case EventType.TimerFired:
      case EventType.TimerCancelled: {
        const seq = e.payload.seq;
        const due = task(seq)?.runAt ?? run.timers.get(seq);
        if (due !== undefined) this.#wakeup.disarm(t, run.id, seq, due);
        update(
          seq,
          e.type === EventType.TimerFired
            ? { status: TaskStatus.Completed, attempts: 1 }
            : { status: TaskStatus.Failed, lastError: "cancelled" },
          TaskKind.Timer,
          "__timer__",
        );
        effects.push({ kind: "clear", seq });
        break;
      }
      default:
        break;
    }
    return stepTask;
  }

  #effect(run: Run, effect: Effect): void {
    switch (effect.kind) {
      case "dispatch":
        run.activities.set(effect.seq, {
          seq: effect.seq,
          name: effect.name,
          args: effect.args,
          attempt: 1,
        });
        this.#dispatch(run, effect.seq);
        break;
      case "abort": {
        const state = run.activities.get(effect.seq);
        run.activities.delete(effect.seq);
        if (effect.cancel && state?.controller !== undefined) {
          state.controller.abort(new WorkflowCancelledError("activity no longer needed"));
        }
        this.#clearTimeout(run, effect.seq);
        break;
      }
      case "timer":
        run.timers.set(effect.seq, effect.at);
        this.#armTimeout(run, effect.seq, effect.at);
        break;
      case "clear":
        run.timers.delete(effect.seq);
        this.#clearTimeout(run, effect.seq);
        break;
      case "retry": {
        const state = run.activities.get(effect.seq);
        if (state !== undefined) {
          delete state.controller;
          state.retryAt = effect.at;
          (state.armed ??= []).push(effect.at);
        }
        this.#armTimeout(run, effect.seq, effect.at);
        break;
      }
    }
  }

  #armTimeout(run: Run, seq: number, at: number): void {
    this.#clearTimeout(run, seq);
    if (this.#closed) return;
    const delay = Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1);
    run.timeouts.set(
      seq,
      setTimeout(() => {
        run.timeouts.delete(seq);
        if (Date.now() < at) this.#armTimeout(run, seq, at);
        else this.#due(run.id, seq);
      }, delay),
    );
  }

  #clearTimeout(run: Run, seq: number): void {
    const handle = run.timeouts.get(seq);
    if (handle !== undefined) clearTimeout(handle);
    run.timeouts.delete(seq);
  }

  /** A timer or a retry of a run fell due (from an in-process timeout or the wake-up service). */
  #due(workflowId: string, seq: number): void {
    if (this.#closed) return;
    const run = this.#runs.get(workflowId);
    if (run === undefined) return;
    const at = run.timers.get(seq);
    if (at !== undefined) {
      if (at > Date.now() + 2) {
        if (!run.timeouts.has(seq)) this.#armTimeout(run, seq, at);
        return;
      }
      run.timers.delete(seq);
      this.#clearTimeout(run, seq);
      this.#enqueue(run, {
        event: {
          type: EventType.TimerFired,
          payload: { seq, timer_id: `${workflowId}:${seq}` },
        },
      });
      return;
    }
    const activity = run.activities.get(seq);
    if (activity?.retryAt !== undefined && activity.controller === undefined) {
      if (activity.retryAt > Date.now() + 2) {
        if (!run.timeouts.has(seq)) this.#armTimeout(run, seq, activity.retryAt);
        return;
      }
      this.#clearTimeout(run, seq);
      activity.attempt++;
      this.#dispatch(run, seq);
    }
  }

  async #slot(): Promise<void> {
    const limit = this.#options.concurrency ?? 256;
    if (this.#running < limit) {
      this.#running++;
      return;
    }
    await new Promise<void>((resolve) => this.#slots.push(resolve));
  }

  #freeSlot(): void {
    const next = this.#slots.shift();
    if (next !== undefined) next();
    else this.#running--;
  }

  /** Runs the current attempt of an activity and delivers its outcome. */
  #dispatch(run: Run, seq: number): void {
    const state = run.activities.get(seq);
    if (state === undefined || this.#closed) return;
    const controller = new AbortController();
    state.controller = controller;
    delete state.retryAt;
    const def = this.#registry.getActivity(state.name);
    const attempt = state.attempt;
    const go = async () => {
      await this.#slot();
      try {
        if (controller.signal.aborted) return;
        await this.#crash(CrashPoint.ActivityStarted, run.id);
        const outcome = await this.#executor.runActivity({
          workflowId: run.id,
          seq,
          name: state.name,
          args: state.args,
          attempt,
          timeoutMs: (def?.timeoutSeconds ?? 60) * 1000,
        }, controller.signal);
        if (controller.signal.aborted || run.activities.get(seq) !== state) return;
        // The controller stays until the outcome lands, so that a late wake-up of the retry that
        // started this attempt cannot start another one meanwhile.
        if (outcome.ok) {
          this.#enqueue(run, {
            event: {
              type: EventType.ActivityCompleted,
              payload: { seq, name: state.name, result: outcome.result, attempt },
            },
          });
          return;
        }
        const error = outcome.error;
        const retryable = def !== undefined && attempt <= def.retryCount &&
          error.code !== ErrorCode.InvalidPayload &&
          !def.retry.nonRetryable.includes(error.name) &&
          !(error.code !== undefined && def.retry.nonRetryable.includes(error.code));
        if (retryable) {
          const at = Date.now() + backoff(def, attempt);
          run.infos.push({
            type: EventType.ActivityRetrying,
            payload: {
              seq,
              name: state.name,
              attempt,
              error: error.message,
              next_attempt_at: isoTime(at),
              next_attempt_at_ms: at,
            },
          });
          this.#schedule(run);
          return;
        }
        this.#enqueue(run, {
          event: {
            type: EventType.ActivityFailed,
            payload: {
              seq,
              name: state.name,
              error: error.message,
              error_detail: error,
              attempts: attempt,
            },
          },
        });
      } finally {
        this.#freeSlot();
      }
    };
    this.#track(go());
  }

  #finish(run: Run, record: WorkflowRecord, result: unknown): void {
    this.#runs.delete(run.id);
    this.#ready.delete(run);
    for (const seq of [...run.timeouts.keys()]) this.#clearTimeout(run, seq);
    for (const a of run.activities.values()) {
      a.controller?.abort(new WorkflowCancelledError("workflow ended"));
    }
    run.activities.clear();
    run.busy = false;
    for (const item of run.inbox.splice(0)) {
      item.done?.(new WorkflowNotRunningError("deliver to", run.id, record.status));
    }
    const waiters = this.#endWaiters.get(run.id);
    this.#endWaiters.delete(run.id);
    if (waiters === undefined) return;
    for (const waiter of waiters) {
      if (record.status === WorkflowStatus.Completed) waiter.resolve(result ?? {});
      else waiter.reject(outcomeError(record));
    }
  }

  #emit(change: EngineChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (e) {
        this.#report(ensureError(e));
      }
    }
  }

  async #crash(point: CrashPoint, workflowId: string): Promise<void> {
    if (this.#options.crashPoint !== undefined) await this.#options.crashPoint(point, workflowId);
  }

  #report(error: unknown): void {
    const e = ensureError(error);
    if (this.#options.onError !== undefined) this.#options.onError(e);
  }

  #assertOpen(): void {
    if (this.#lost !== undefined) throw this.#lost;
    if (this.#closed) throw new EngineClosedError();
  }

  // ---------------------------------------------------------------- recovery, inbox, lease

  /** Loads every unfinished run and resumes its activities and timers. */
  async #recover(): Promise<void> {
    const ids = await this.#store.idsWithStatus(WorkflowStatus.Running);
    const now = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++] as string;
        const record = await this.#store.getWorkflow(id);
        if (record === undefined || record.status !== WorkflowStatus.Running) continue;
        const [history, input] = await Promise.all([
          this.#store.loadHistory(id),
          this.#store.readValue(id, record.input),
        ]);
        const entries = history.map(toEntry);
        const work = pendingWork(entries);
        const run = new Run(record, input as JsonValue);
        run.committed = record;
        run.history = entries;
        for (const task of record.tasks ?? []) {
          if (task.kind === TaskKind.Step) run.stepTask = task;
          else if (task.seq !== undefined) run.tasks.set(task.seq, task);
        }
        this.#runs.set(id, run);
        for (const a of work.activities.values()) {
          const state = { seq: a.seq, name: a.name, args: a.args, attempt: a.attempt };
          run.activities.set(a.seq, state);
          if (a.retryAt !== undefined && a.retryAt > now) {
            Object.assign(state, { retryAt: a.retryAt, armed: [a.retryAt] });
            this.#armTimeout(run, a.seq, a.retryAt);
          } else {
            this.#dispatch(run, a.seq);
          }
        }
        for (const timer of work.timers.values()) {
          run.timers.set(timer.seq, timer.fireAt);
          this.#armTimeout(run, timer.seq, timer.fireAt);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, ids.length) }, worker));
  }

  /** Carries out requests that other processes left in the inbox. */
  async #pollInbox(): Promise<void> {
    for (const { key, request } of await this.#store.readInbox(100)) {
      if (this.#closed) return;
      let reply: InboxReply;
      try {
        if (request.kind === "start") {
          const handle = await this.start<unknown>(request.workflow, request.input, {
            workflowId: request.workflowId,
            ...(request.version === undefined ? {} : { version: request.version }),
            ...(request.ifExists === undefined ? {} : { ifExists: request.ifExists }),
          });
          reply = { ok: true, workflowId: handle.workflowId };
        } else if (request.kind === "signal") {
          await this.#signal(request.workflowId, request.name, request.data as JsonValue);
          reply = { ok: true };
        } else {
          await this.#cancel(request.workflowId, request.reason);
          reply = { ok: true };
        }
      } catch (e) {
        reply = { ok: false, error: serializeError(e) as never };
      }
      await this.#store.answerInbox(key, request.id, reply);
    }
  }

  async #renewLease(ttl: number): Promise<void> {
    // One renewal at a time: under load a commit can outlast the renewal interval, and a second
    // renewal checking the same versionstamp would fail and look like a takeover.
    if (this.#lease === undefined || this.#lost !== undefined || this.#renewing) return;
    this.#renewing = true;
    try {
      const renewed = await renewLease(this.#store.kv, this.#lease, ttl, PARTITION);
      if (renewed === undefined) {
        this.#leaseLost(new Error("the lease key was changed by another process"));
      } else if (this.#lease !== undefined) {
        this.#lease = renewed;
      }
    } catch (e) {
      this.#report(e);
    } finally {
      this.#renewing = false;
    }
  }

  #leaseLost(cause: Error): void {
    if (this.#lost !== undefined || this.#closed) return;
    this.#lost = new LeaseLostError(
      `This engine lost the owner lease of ${this.#store.where} and stopped: ${cause.message}`,
    );
    this.#lease = undefined;
    this.#report(this.#lost);
    this.#stopAll(this.#lost);
  }

  #stopTimers(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
  }

  #stopAll(error: Error): void {
    this.#stopTimers();
    this.#wakeup.stop();
    for (const run of this.#runs.values()) {
      for (const seq of [...run.timeouts.keys()]) this.#clearTimeout(run, seq);
      for (const a of run.activities.values()) a.controller?.abort(error);
      for (const item of run.inbox.splice(0)) item.done?.(error);
    }
    for (const waiters of this.#endWaiters.values()) {
      for (const w of waiters) w.reject(error);
    }
    this.#endWaiters.clear();
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    this.#untrack();
    this.#wakeup.stop();
    const grace = this.#options.shutdownGraceMs ?? 5000;
    const deadline = Date.now() + grace;
    const busy = () => {
      for (const run of this.#runs.values()) {
        for (const a of run.activities.values()) if (a.controller !== undefined) return true;
      }
      return false;
    };
    while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const closed = new EngineClosedError("The engine closed before the run ended");
    for (const run of this.#runs.values()) {
      for (const seq of [...run.timeouts.keys()]) this.#clearTimeout(run, seq);
      for (const a of run.activities.values()) a.controller?.abort(closed);
    }
    while (this.#inFlight > 0) await new Promise<void>((r) => this.#drained.push(r));
    await this.#committer.drain();
    this.#stopTimers();
    for (const run of this.#runs.values()) {
      for (const item of run.inbox.splice(0)) item.done?.(closed);
    }
    for (const waiters of this.#endWaiters.values()) for (const w of waiters) w.reject(closed);
    this.#endWaiters.clear();
    if (this.#lease !== undefined && this.#lost === undefined) {
      await releaseLease(this.#store.kv, this.#lease, PARTITION).catch(() => {});
    }
    await this.#executor.close();
    if (this.#ownsKv) this.#store.close();
  }
}

/**
 * Creates the engine that owns a KV file and runs workflows.
 *
 * @param options File, executor, timings.
 * @returns The running engine; close it with `close()` or `await using`.
 * @throws {OwnerLeaseError} When another live process owns the file.
 * @throws {SchemaVersionError} When the file was written by a newer Loom.
 * @throws {ModuleLoadError} When a module named in `modules` fails to import (here or in a Worker).
 * @throws {InvalidDefinitionError} When a Worker registers other definitions than this isolate.
 * @example
 * ```ts
 * import { createEngine } from "./engine.ts";
 * await using engine = await createEngine({ kvPath: ":memory:" });
 * console.assert((await engine.list()).items.length === 0);
 * ```
 */
export function createEngine(options: EngineOptions = {}): Promise<Engine> {
  return Engine.create(options);
}
