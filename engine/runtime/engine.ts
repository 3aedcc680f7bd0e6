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
import { EventType, WorkflowStatus } from "../replay/events.ts";
import { trackEngine } from "../definition/default_engine.ts";
import { defaultRegistry, type Registry } from "../definition/registry.ts";
import { resolveWorkflow } from "../definition/workflow.ts";
import {
  EngineClosedError,
  ensureError,
  LeaseLostError,
  SchemaVersionError,
  type StoredDataError,
  WorkflowAlreadyExistsError,
} from "../errors.ts";
import { type JsonValue, toJson } from "../json.ts";
import { checkWorkflowId } from "../workflow_id.ts";
import { type KvStore, SchemaMismatch, type WorkflowRecord } from "../../store/mod.ts";
import { Committer } from "./committer.ts";
import type { EngineOptions } from "./engine_options.ts";
import type { Executor } from "./executor.ts";
import { Handle } from "./handle.ts";
import { CrashPoint, type EngineChange, Listeners } from "./listeners.ts";
import { InboxServer } from "./owner/inbox_server.ts";
import { LeaseKeeper } from "./owner/lease_keeper.ts";
import { recoverRuns } from "./owner/recovery.ts";
import { ResultWaiters } from "./result_waiters.ts";
import { RunActions } from "./run_actions.ts";
import { Run } from "./run.ts";
import { type Lifecycle, RunLoop } from "./run_loop.ts";
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

/** The partition this engine owns (one until the store is partitioned). */
const PARTITION = 0;

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
  readonly #life: Lifecycle = { closed: false, lost: undefined };
  readonly #starting = new Map<string, Promise<void>>();
  /** Runs that recovery set apart because their stored data cannot be read. */
  readonly #damaged = new Map<string, StoredDataError>();
  readonly #waiters = new ResultWaiters();
  readonly #ownerId = crypto.randomUUID();
  #lease: LeaseKeeper | undefined;
  #pruner: ReturnType<typeof setInterval> | undefined;
  #closing: Promise<void> | undefined;
  #untrack: () => void = () => {};

  private constructor(parts: EngineParts) {
    const options = parts.options;
    this.#options = options;
    this.#registry = options.registry ?? defaultRegistry;
    this.#store = parts.store;
    this.#reader = new LoomReader(parts.store.kv, parts.store.where);
    this.#ownsKv = parts.ownsKv;
    this.#executor = parts.executor;
    this.#wakeup = parts.wakeup;
    this.#committer = new Committer(parts.store, (e) => this.#leaseLost(e));
    this.#listeners = new Listeners((e) => this.#report(e), options.crashPoint);
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
      report: (e) => this.#report(e),
      ended: (run, record, result) => this.#ended(run, record, result),
    });
    this.#actions = new RunActions({
      store: parts.store,
      reader: this.#reader,
      loop: this.#loop,
      starting: this.#starting,
      damaged: this.#damaged,
      waiters: this.#waiters,
      assertOpen: () => this.#assertOpen(),
    });
    this.#inbox = new InboxServer(parts.store, {
      start: async (request) => {
        const handle = await this.start<unknown>(request.workflow, request.input, {
          workflowId: request.workflowId,
          ...(request.version === undefined ? {} : { version: request.version }),
          ...(request.ifExists === undefined ? {} : { ifExists: request.ifExists }),
        });
        return handle.workflowId;
      },
      signal: (id, name, data) => this.#actions.signal(id, name, data),
      cancel: (id, reason) => this.#actions.cancel(id, reason),
    }, () => this.#life.closed);
  }

  /**
   * Opens an engine on parts that `createEngine()` picked: checks the schema, takes the owner
   * lease, recovers unfinished runs and starts. Use `createEngine()` instead.
   *
   * @param parts Options, store, executor and wake-up.
   * @returns The running engine.
   * @throws {SchemaVersionError} When the file was written by a newer Loom.
   * @throws {OwnerLeaseError} When another live process owns the file.
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
    const lease = await LeaseKeeper.acquire(this.#store.kv, {
      ownerId: this.#ownerId,
      partition: PARTITION,
      ttlMs: this.#options.leaseTtlMs ?? 1000,
      renewMs: this.#options.leaseRenewMs ?? 250,
      where: this.#store.where,
      onLost: (cause) => this.#leaseLost(cause),
      onError: (e) => this.#report(e),
    });
    this.#lease = lease;
    this.#store.setFence(PARTITION, lease.epochVersionstamp, lease.epoch);
    try {
      // No write of an older epoch can land any more: chunks that no record references go.
      await this.#store.removeOrphanedChunks();
      this.#loop.ids = await this.#store.lastIds();
      const now = Date.now();
      await recoverRuns(this.#store, (run, work) => {
        this.#loop.runs.set(run.id, run);
        this.#loop.effects.resume(run, work, now);
      }, (damaged) => {
        this.#damaged.set(damaged.workflowId, damaged);
        this.#report(damaged);
      });
    } catch (e) {
      await lease.release();
      throw e;
    }
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
    const def = resolveWorkflow(this.#registry, workflow, options.version);
    const payload = toJson(input === undefined ? null : input, "input");
    const given = options.workflowId === undefined
      ? undefined
      : checkWorkflowId(options.workflowId);
    const id = given ?? crypto.randomUUID();
    const runs = this.#loop.runs;
    let exists: boolean;
    do {
      while (this.#starting.has(id)) await this.#starting.get(id)?.catch(() => {});
      exists = runs.has(id) ||
        (given !== undefined && await this.#store.getWorkflow(id) !== undefined);
      // Another start of the same id may have begun while the store was read: look again.
    } while (!exists && (this.#starting.has(id) || runs.has(id)));
    if (exists) {
      if (options.ifExists === "fail") throw new WorkflowAlreadyExistsError(id);
      return this.getHandle<unknown>(id);
    }
    const run = Run.create(def, {
      id,
      input: payload,
      inputRef: this.#store.inputReference(id, payload),
      time: Date.now(),
      partition: PARTITION,
    });
    const landed = new Promise<void>((resolve, reject) => {
      this.#loop.deliver(run, {
        event: {
          type: EventType.WorkflowStarted,
          payload: { input: payload, workflow_name: def.name, version: def.version },
        },
        done: (error) => error === undefined ? resolve() : reject(error),
      });
    });
    runs.set(id, run);
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

  /**
   * Calls `listener` after every landed transition.
   *
   * @param listener Receives what changed.
   * @returns A function that unsubscribes.
   */
  subscribe(listener: (change: EngineChange) => void): () => void {
    return this.#listeners.subscribe(listener);
  }

  /** Reads what this engine's KV file holds (HTTP API, CLI, dashboard). */
  get reader(): LoomReader {
    return this.#reader;
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
    let activities = 0;
    let timers = 0;
    for (const run of this.#loop.runs.values()) {
      activities += run.activities.size;
      timers += run.timers.size;
    }
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
      `This engine lost the owner lease of ${this.#store.where} and stopped: ${cause.message}`,
    );
    this.#life.lost = lost;
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
    if (this.#pruner !== undefined) clearInterval(this.#pruner);
    this.#pruner = undefined;
  }

  async #shutdown(): Promise<void> {
    this.#life.closed = true;
    this.#untrack();
    this.#wakeup.stop();
    const runs = this.#loop.runs;
    const deadline = Date.now() + (this.#options.shutdownGraceMs ?? 5000);
    const busy = () => {
      for (const run of runs.values()) {
        for (const a of run.activities.values()) if (a.controller !== undefined) return true;
      }
      return false;
    };
    while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const closed = new EngineClosedError("The engine closed before the run ended");
    for (const run of runs.values()) this.#loop.effects.halt(run, closed);
    await this.#loop.drain();
    await this.#committer.drain();
    this.#stopTimers();
    for (const run of runs.values()) {
      for (const item of run.inbox.splice(0)) item.done?.(closed);
    }
    this.#waiters.rejectAll(closed);
    if (this.#life.lost === undefined) await this.#lease?.release();
    else this.#lease?.drop();
    await this.#executor.close();
    if (this.#ownsKv) this.#store.close();
  }
}
