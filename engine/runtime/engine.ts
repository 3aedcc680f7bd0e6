/**
 * The engine's facade: the client API (start runs, act on them, read them), the handle backend,
 * and the lifecycle of an owner (open: schema, lease, recovery, wake-ups, inbox; close: grace
 * period, drain, release). The work itself is done by the run loop (`run_loop.ts`), the pure
 * transition builder (`transition.ts`), the effects (`effects.ts`) and the owner's parts
 * (`owner/`). Create it with `createEngine()` (`create_engine.ts`).
 *
 * @module
 */

import type {
  ListOptions,
  ListPage,
  StartOptions,
  TypedWorkflowRef,
  WorkflowClient,
  WorkflowHandle,
  WorkflowRef,
} from "../client.ts";
import { WorkflowStatus } from "../replay/events.ts";
import { trackEngine } from "../definition/default_engine.ts";
import { defaultRegistry, type Registry } from "../definition/registry.ts";
import {
  EngineClosedError,
  ensureError,
  LeaseLostError,
  SchemaVersionError,
  type StoredDataError,
} from "../errors.ts";
import type { JsonValue } from "../json.ts";
import {
  DEFAULT_PARTITIONS,
  IdBlocks,
  type KvStore,
  SchemaMismatch,
  type WorkflowRecord,
} from "../../store/mod.ts";
import { Committer } from "./committer.ts";
import { type EngineHealth, engineHealth } from "./engine_health.ts";
import type { EngineOptions } from "./engine_options.ts";
import type { Executor } from "./executor.ts";
import { Handle } from "./handle.ts";
import { CrashPoint, type EngineChange, Listeners } from "./listeners.ts";
import { InboxServer } from "./owner/inbox_server.ts";
import { LeaseKeeper } from "./owner/lease_keeper.ts";
import { PendingStarts } from "./owner/pending_starts.ts";
import { PartitionOwner } from "./owner/partition_owner.ts";
import { RemoteRuns } from "./remote_runs.ts";
import { ResultWaiters } from "./result_waiters.ts";
import { RunActions } from "./run_actions.ts";
import { attemptsRunning, inFlight, type Run } from "./run.ts";
import { StorageHealth } from "./storage_health.ts";
import { Starts } from "./starts.ts";
import { RunLoop } from "./run_loop.ts";
import type { Lifecycle } from "./run_loop_deps.ts";
import { EngineSchedules, type ScheduleClient } from "./schedules/mod.ts";
import type { Wakeup } from "./wakeup/wakeup.ts";
import { LoomReader, outcomeError, storedDataError } from "../views/mod.ts";

/** What `createEngine()` hands the engine: its options and the parts it picked. */
export interface EngineParts {
  /** The options given. */
  options: EngineOptions;
  /** The store. */
  store: KvStore;
  /** Whether closing the engine closes the store's KV handle. */
  ownsKv: boolean;
  /** Runs the code. */
  executor: Executor;
  /** The durable wake-ups. */
  wakeup: Wakeup;
}

/**
 * The engine that owns a KV file and runs workflows. Create it with `createEngine()`; close it
 * with `close()` or `await using`.
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
  readonly #listeners: Listeners;
  readonly #loop: RunLoop;
  readonly #inbox: InboxServer;
  readonly #actions: RunActions;
  readonly #pending: PendingStarts;
  readonly #starts: Starts;
  readonly #life: Lifecycle = { closed: false, lost: undefined };
  readonly #storage: StorageHealth;
  readonly #starting = new Map<string, Promise<void>>();
  /** Runs that recovery set apart because their stored data cannot be read. */
  readonly #damaged = new Map<string, StoredDataError>();
  readonly #waiters = new ResultWaiters();
  readonly #ownerId = crypto.randomUUID();
  readonly #ids: IdBlocks;
  readonly #remote: RemoteRuns;
  readonly #partitions: PartitionOwner;
  /** Schedules: runs started on a cron expression, fired by the owner of their partition. */
  readonly schedules: ScheduleClient;
  #lease: LeaseKeeper | undefined;
  #pruner: ReturnType<typeof setInterval> | undefined;
  #closing: Promise<void> | undefined;
  #onLost: (error: LeaseLostError) => void = () => {};
  readonly #lostPromise = new Promise<LeaseLostError>((resolve) => this.#onLost = resolve);
  #untrack: () => void = () => {};

  private constructor(parts: EngineParts) {
    const options = parts.options;
    this.#options = options;
    this.#registry = options.registry ?? defaultRegistry;
    this.#store = parts.store;
    this.#reader = new LoomReader(parts.store.kv, parts.store.where);
    this.#ownsKv = parts.ownsKv;
    this.#executor = parts.executor;
    const schedules = new EngineSchedules(this, parts, () => this.#partitions.serving);
    this.schedules = schedules.client;
    this.#wakeup = schedules.around(parts.wakeup); // timers' wake-ups, and schedule fires
    this.#committer = new Committer(parts.store, (e) => this.#leaseLost(e));
    this.#ids = new IdBlocks(parts.store.kv);
    this.#remote = new RemoteRuns(parts.store, {
      pollIntervalMs: Math.min(100, options.pollIntervalMs ?? 500),
      replyTimeoutMs: 30_000,
    }, () => this.#life.lost ?? (this.#life.closed ? new EngineClosedError() : undefined));
    this.#listeners = new Listeners((e) => this.#report(e), options.crashPoint);
    this.#storage = new StorageHealth({
      probe: () => parts.store.probe(),
      recovered: () => this.#loop.resume(),
      fenceLost: (e) => this.#leaseLost(e),
      stopped: () => this.#life.closed || this.#life.lost !== undefined,
    });
    if (options.crashPoint !== undefined) {
      const listeners = this.#listeners;
      parts.store.onChunksWritten(async (ids) => {
        for (const id of ids) await listeners.crash(CrashPoint.ChunksWritten, id);
      });
    }
    this.#loop = new RunLoop({
      store: parts.store,
      executor: parts.executor,
      committer: this.#committer,
      wakeup: parts.wakeup,
      registry: this.#registry,
      listeners: this.#listeners,
      concurrency: options.concurrency ?? 256,
      lifecycle: this.#life,
      lease: {
        valid: (p) => this.#lease?.valid(p) ?? false,
        whenHeld: (p) => this.#lease?.whenHeld(p) ?? Promise.resolve(false),
      },
      ids: this.#ids,
      storage: this.#storage,
      report: (e) => this.#report(e),
      ended: (run, record, result) => this.#ended(run, record, result),
      publicUrl: options.publicUrl,
    });
    this.#pending = new PendingStarts(parts.store, this.#loop, this.#registry);
    this.#starts = new Starts({
      store: parts.store,
      loop: this.#loop,
      registry: this.#registry,
      starting: this.#starting,
      startAnswerMs: options.startAnswerMs ?? 0,
      runs: (p) => this.#partitions.runs(p),
      remote: this.#remote,
      adopt: (id, done) => this.#pending.adopt(id, undefined, done),
    });
    this.#actions = new RunActions({
      adopt: (id, record) => this.#pending.adopt(id, record),
      store: parts.store,
      reader: this.#reader,
      loop: this.#loop,
      starting: this.#starting,
      damaged: this.#damaged,
      waiters: this.#waiters,
      assertOpen: () => this.#assertOpen(),
      assertWritable: () => this.#storage.assertWritable(),
      runs: (p) => this.#partitions.runs(p),
      remote: this.#remote,
    });
    this.#inbox = new InboxServer(
      parts.store,
      {
        start: async (request) => {
          const handle = await this.start<unknown>(request.workflow, request.input, {
            workflowId: request.workflowId,
            ...(request.version === undefined ? {} : { version: request.version }),
            ...(request.ifExists === undefined ? {} : { ifExists: request.ifExists }),
          });
          return { workflowId: handle.workflowId, created: handle.created === true };
        },
        signal: (id, name, data, answer) =>
          this.#actions.signal(id, name, data, { inbox: true, answer }),
        cancel: (id, reason, answer) => this.#actions.cancel(id, reason, { inbox: true, answer }),
        resumeHook: (request) => this.#actions.resumeQueuedHook(request),
        adoptPending: (p) => this.#pending.poll(p),
      },
      () => this.#partitions.serving,
      () => this.#life.closed,
    );
    this.#partitions = new PartitionOwner({
      store: parts.store,
      loop: this.#loop,
      pending: this.#pending,
      inbox: this.#inbox,
      lease: () => this.#lease,
      damaged: this.#damaged,
      handedOver: (id) => this.#actions.handedOver(id),
      stopped: () => this.#life.lost !== undefined || this.#life.closed,
      graceMs: Math.min(options.shutdownGraceMs ?? 5000, 5000),
      report: (e) => this.#report(e),
    });
  }

  /**
   * Opens an engine on parts that `createEngine()` picked: checks the schema, joins the file
   * (takes its share of the partitions' leases: all of them when it runs alone), recovers their
   * unfinished runs and starts. Use `createEngine()` instead.
   *
   * @param parts Options, store, executor and wake-up.
   * @returns The running engine.
   * @throws {SchemaVersionError} When the file was written by a newer Loom.
   */
  static async open(parts: EngineParts): Promise<Engine> {
    const engine = new Engine(parts);
    await engine.#open();
    return engine;
  }

  async #open(): Promise<void> {
    try {
      const migrated = await this.#store.ensureSchema();
      for (const e of migrated?.damaged ?? []) this.#report(storedDataError(e));
    } catch (e) {
      if (e instanceof SchemaMismatch) throw new SchemaVersionError(e.message);
      throw e;
    }
    await this.#store.ensurePartitions(this.#options.partitions ?? DEFAULT_PARTITIONS);
    await this.#ids.open();
    this.#lease = LeaseKeeper.create(this.#store.kv, {
      ownerId: this.#ownerId,
      partitionCount: this.#store.partitionCount,
      ttlMs: this.#options.leaseTtlMs ?? 1000,
      renewMs: this.#options.leaseRenewMs ?? 250,
      where: this.#store.where,
      onTaken: (taken) => this.#partitions.take(taken),
      onGiveUp: (p) => this.#partitions.giveUp(p),
      onLost: (cause) => this.#leaseLost(cause),
      onError: (e) => this.#report(e),
    });
    // Runs taken on while joining dispatch their work through the keeper: it exists by then.
    await this.#lease.join();
    this.#wakeup.start((id, seq) => this.#loop.effects.due(id, seq));
    this.#inbox.start(this.#options.pollIntervalMs ?? 500, (e) => this.#report(e));
    const prune = () => {
      this.#store.pruneTasks(this.#options.taskRetention ?? 10_000).catch((e) => this.#report(e));
    };
    prune();
    this.#pruner = setInterval(prune, 30_000);
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
    this.#storage.assertWritable();
    const { workflowId, created } = await this.#starts.start(workflow, input, options);
    return new Handle<unknown>(this.#actions, workflowId, created);
  }

  /**
   * A handle on a run by id (not checked until used).
   *
   * @param workflowId The run.
   * @returns The handle.
   */
  getHandle<S = Record<string, JsonValue>>(workflowId: string): WorkflowHandle<S> {
    return new Handle<S>(this.#actions, workflowId);
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
  /** Resumes a hook by its token, as `POST /api/hooks/{token}` does (see `WorkflowClient`). */
  resumeHook(token: string, body: JsonValue = null): Promise<void> {
    return this.#actions.resumeHook(token, body);
  }

  /**
   * Calls `listener` after every landed transition.
   *
   * @param listener Receives what changed.
   * @returns A function that unsubscribes.
   */
  subscribe(listener: (change: EngineChange) => void): () => void {
    return this.#listeners.subscribe(listener);
  }

  /**
   * Makes progress once, now (Deno Deploy's cron tick, a request): polls the due-timer index
   * (with polled wake-ups), the due schedules, the runs started elsewhere and the inbox.
   *
   * @returns Resolves once the due work is handed to the run loop.
   * @throws {EngineClosedError} When the engine is closed (`LeaseLostError`: it lost its lease).
   */
  async tick(): Promise<void> {
    this.#assertOpen();
    await this.#wakeup.poll?.((id, seq) => this.#loop.effects.due(id, seq));
    await this.#inbox.poll();
  }

  /** Reads what this engine's KV file holds (HTTP API, CLI, dashboard). */
  get reader(): LoomReader {
    return this.#reader;
  }

  /**
   * Resolves when this engine loses its owner lease to another process (and has stopped); never
   * otherwise. A supervisor (`loom serve`) exits non-zero then, so that it is restarted.
   */
  get lost(): Promise<LeaseLostError> {
    return this.#lostPromise;
  }

  /**
   * Whether this engine can do its job now (readiness), and what it holds.
   *
   * @returns Ready, or the reason it is not.
   */
  health(): EngineHealth {
    return engineHealth({
      where: this.#store.where,
      ownerId: this.#ownerId,
      partitionCount: this.#store.partitionCount,
      lost: this.#life.lost,
      closed: this.#life.closed,
      degraded: this.#storage.degraded,
      storageFailingSince: this.#storage.since,
      lease: this.#lease,
    });
  }

  /** The definitions this engine runs. */
  get registry(): Registry {
    return this.#registry;
  }

  /**
   * Counts what is in flight, for status lines and stats.
   *
   * @returns Runs loaded, unfinished activity calls, armed timers, transitions not yet landed.
   */
  stats(): { running: number; activities: number; timers: number; commitQueue: number } {
    const { activities, timers } = inFlight(this.#loop.runs.values());
    return {
      running: this.#loop.runs.size,
      activities,
      timers,
      commitQueue: this.#committer.pending,
    };
  }

  /**
   * Stops: no new work, running activities get `shutdownGraceMs` to finish, everything
   * submitted lands, the lease is released.
   *
   * @returns Resolves once the engine has stopped.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /**
   * Same as {@linkcode Engine.close}.
   *
   * @returns Resolves once the engine has stopped.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---------------------------------------------------------------- lifecycle

  /** A run's terminal transition landed: tell whoever awaits its result. */
  #ended(run: Run, record: WorkflowRecord, result: unknown): void {
    this.#waiters.settle(
      run.id,
      record.status === WorkflowStatus.Completed
        ? { ok: true, value: result ?? {} }
        : { ok: false, error: outcomeError(record) },
    );
  }

  #report(error: unknown): void {
    const e = ensureError(error);
    if (this.#options.onError !== undefined) this.#options.onError(e);
  }

  #assertOpen(): void {
    if (this.#life.lost !== undefined) throw this.#life.lost;
    if (this.#life.closed) throw new EngineClosedError();
  }

  #leaseLost(cause: Error): void {
    if (this.#life.lost !== undefined || this.#life.closed) return;
    const lost = new LeaseLostError(
      `This engine lost an owner lease of ${this.#store.where} and stopped: ${cause.message}`,
    );
    this.#life.lost = lost;
    this.#onLost(lost);
    this.#lease?.drop();
    this.#report(lost);
    this.#stopTimers();
    this.#wakeup.stop();
    for (const run of this.#loop.runs.values()) {
      this.#loop.effects.halt(run, lost);
      for (const item of run.inbox.splice(0)) item.done?.(lost);
    }
    this.#waiters.rejectAll(lost);
  }

  #stopTimers(): void {
    this.#inbox.stop();
    this.#storage.stop();
    if (this.#pruner !== undefined) clearInterval(this.#pruner);
    this.#pruner = undefined;
  }

  async #shutdown(): Promise<void> {
    this.#life.closed = true;
    this.#untrack();
    this.#wakeup.stop();
    const runs = this.#loop.runs;
    const deadline = Date.now() + (this.#options.shutdownGraceMs ?? 5000);
    while (attemptsRunning(runs.values()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const closed = new EngineClosedError("The engine closed before the run ended");
    for (const run of runs.values()) this.#loop.effects.halt(run, closed);
    // Activations answer in a moment; one that spins in a Worker is cut off with the executor,
    // and what it would have recorded is not (it runs again at the next start).
    const left = Math.max(100, Math.min(1000, deadline - Date.now()));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#loop.drain(),
      new Promise<void>((r) => timer = setTimeout(r, left)),
    ]);
    clearTimeout(timer);
    await this.#executor.close();
    await this.#loop.drain();
    await this.#committer.drain();
    this.#stopTimers();
    for (const run of runs.values()) {
      for (const item of run.inbox.splice(0)) item.done?.(closed);
    }
    this.#waiters.rejectAll(closed);
    if (this.#life.lost === undefined) await this.#lease?.release();
    else this.#lease?.drop();
    if (this.#ownsKv) this.#store.close();
  }
}
