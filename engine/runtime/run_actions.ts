/**
 * What a handle does to one run in the owner: read its status, info and streams, await its
 * result, send it a signal, cancel it, resume one of its hooks. For a run of a partition this
 * owner runs, signals, cancels and hook calls become resolutions delivered by the run loop, and
 * resolve once the transition that recorded them has landed; for a run of another process's
 * partition they go to that partition's inbox, and its result is read from the store
 * (`remote_runs.ts`).
 *
 * @module
 */

import type { ResultOptions, StreamOptions, WorkflowInfo } from "../client.ts";
import { EventType, isoTime, WorkflowStatus } from "../replay/events.ts";
import {
  HookExpiredError,
  HookNotFoundError,
  InvalidArgumentError,
  StorageError,
  type StoredDataError,
  WorkflowNotFoundError,
  WorkflowNotRunningError,
  WorkflowStillRunningError,
} from "../errors.ts";
import { type JsonValue, toJson } from "../json.ts";
import type { InboxRequest, KvStore, WorkflowRecord } from "../../store/mod.ts";
import type { HandleBackend } from "./handle.ts";
import { findHook, hookBody } from "./hook_tokens.ts";
import { followStream, streamValues } from "./stream_reader.ts";
import type { RemoteRuns } from "./remote_runs.ts";
import type { ResultWaiters, Waiter } from "./result_waiters.ts";
import type { InboxTicket, Item, Run } from "./run.ts";
import type { RunLoop } from "./run_loop.ts";
import { isTerminal, type LoomReader, outcomeError, readOfRun } from "../views/mod.ts";

/** What the actions work with. */
export interface RunActionsDeps {
  /** Takes on a run that another process started by writing its record. */
  adopt: (workflowId: string, record: WorkflowRecord) => Promise<Run | undefined>;
  /** The store. */
  store: KvStore;
  /** Reads runs. */
  reader: LoomReader;
  /** The run loop. */
  loop: RunLoop;
  /** Starts that have not landed yet, by run. */
  starting: ReadonlyMap<string, Promise<void>>;
  /** Runs set apart at recovery because their stored data cannot be read. */
  damaged: ReadonlyMap<string, StoredDataError>;
  /** Callers awaiting results. */
  waiters: ResultWaiters;
  /** Throws when the engine no longer takes work. */
  assertOpen: () => void;
  /** Throws `StorageUnavailableError` while the store does not take writes. */
  assertWritable: () => void;
  /** Whether this owner runs a partition's runs now (holds its lease, not giving it up). */
  runs: (partition: number) => boolean;
  /** Acts on runs of other processes' partitions. */
  remote: RemoteRuns;
}

/** Where an action comes from: a caller of this process, or another process through the inbox. */
export interface ActionSource {
  /** From the inbox of a partition this owner served when it read the request. */
  inbox?: boolean;
  /** The inbox request, answered by the transition that records the resolution. */
  answer?: InboxTicket;
}

/** How often a stream of a run of this process is read without being told of a write (ms). */
export const OWN_RUN_POLL_MS = 5000;

/** The answer to a hook call a run did not take (it timed out or closed meanwhile). */
function notTaken(expiresAt: number | undefined, at: number): Error {
  return expiresAt !== undefined && at >= expiresAt
    ? new HookExpiredError(expiresAt)
    : new HookNotFoundError("it was closed or timed out");
}

/** See the module doc. */
export class RunActions implements HandleBackend {
  readonly #deps: RunActionsDeps;
  /** Hooks whose call is being delivered now (by token hash): a second call finds it used. */
  readonly #resuming = new Set<string>();

  /**
   * Creates the actions.
   *
   * @param deps What they work with.
   */
  constructor(deps: RunActionsDeps) {
    this.#deps = deps;
  }

  async status(id: string): Promise<WorkflowStatus> {
    const run = this.#deps.loop.runs.get(id);
    if (run?.committed !== undefined) return run.committed.status as WorkflowStatus;
    return (await this.#record(id)).status as WorkflowStatus;
  }

  async result(id: string, options: ResultOptions): Promise<unknown> {
    await this.#started(id);
    const record = await this.#record(id);
    if (isTerminal(record.status)) return this.#outcome(record);
    if (options.wait === false) throw new WorkflowStillRunningError(id);
    this.#deps.assertOpen();
    return await this.#deps.waiters.wait(id, options.signal, (waiter) => {
      // The run may have ended between the read and the registration, or it is not (or no
      // longer) this process's: its record tells when it ends.
      if (this.#deps.loop.runs.has(id)) return;
      this.#remoteResult(id, waiter);
    });
  }

  /**
   * A run is no longer this process's (its partition was handed over): its waiting callers
   * read its result from the store from now on.
   *
   * @param id The run.
   */
  handedOver(id: string): void {
    this.#deps.waiters.handOver(id, (waiter) => {
      this.#remoteResult(id, waiter);
    });
  }

  async signal(
    id: string,
    name: string,
    data: JsonValue,
    source: ActionSource = {},
  ): Promise<void> {
    if (typeof name !== "string" || name === "") {
      throw new InvalidArgumentError("A signal needs a non-empty name");
    }
    const payload = toJson(data === undefined ? null : data, `signal "${name}" data`);
    if (this.#elsewhere(id, source)) {
      this.#deps.assertOpen();
      await this.#remoteRecord(id, `signal "${name}" to`);
      await this.#deps.remote.request({
        id: crypto.randomUUID(),
        createdAt: Date.now(),
        kind: "signal",
        workflowId: id,
        name,
        data: payload,
      });
      return;
    }
    const run = await this.#liveRun(id, `signal "${name}" to`);
    this.#deps.assertWritable();
    await this.#deliver(run, {
      type: EventType.SignalReceived,
      payload: { name, payload, sent_at: isoTime(Date.now()) },
    }, source.answer);
  }

  async cancel(id: string, reason: string, source: ActionSource = {}): Promise<void> {
    const text = String(reason);
    let run: Run;
    try {
      if (this.#elsewhere(id, source)) {
        this.#deps.assertOpen();
        await this.#remoteRecord(id, "cancel");
        await this.#deps.remote.request({
          id: crypto.randomUUID(),
          createdAt: Date.now(),
          kind: "cancel",
          workflowId: id,
          reason: text,
        });
        return;
      }
      run = await this.#liveRun(id, "cancel");
    } catch (e) {
      if (e instanceof WorkflowNotRunningError && e.status === WorkflowStatus.Cancelled) return;
      throw e;
    }
    this.#deps.assertWritable();
    await this.#deliver(run, {
      type: EventType.CancelRequested,
      payload: { reason: text, requested_at: isoTime(Date.now()) },
    }, source.answer);
  }

  stream(id: string, name: string, options: StreamOptions): AsyncIterable<unknown> {
    const { reader, loop, remote } = this.#deps;
    return streamValues(followStream(
      {
        record: (workflowId) => reader.run(workflowId),
        values: (workflowId, stream, after, limit) =>
          reader.stream(workflowId, stream, after, limit),
        watch: (workflowId, wake) =>
          loop.effects.listeners.subscribe((change) => {
            if (change.workflowId !== workflowId) return;
            if (change.status !== WorkflowStatus.Running) wake();
            else if (change.events.some((e) => e.type === EventType.StreamAppended)) wake();
          }),
        // A run of this process announces its writes; others' are read every poll interval.
        pollMs: (workflowId) => loop.runs.has(workflowId) ? OWN_RUN_POLL_MS : remote.pollIntervalMs,
      },
      id,
      name,
      options,
    ));
  }

  /**
   * Resumes a hook by its token.
   *
   * @param token The token.
   * @param body The body (JSON).
   */
  async resumeHook(token: string, body: unknown): Promise<void> {
    this.#deps.assertOpen();
    this.#deps.assertWritable();
    const data = hookBody(body);
    const at = Date.now();
    const hook = await findHook(this.#deps.store.kv, token, at);
    await this.resumeHookByHash(hook.tokenHash, data, at);
  }

  /**
   * Carries out a hook call another process left in the inbox (as of when it was made).
   *
   * @param request The request.
   */
  resumeQueuedHook(request: Extract<InboxRequest, { kind: "hook" }>): Promise<void> {
    return this.resumeHookByHash(request.tokenHash, request.data as JsonValue, request.createdAt, {
      inbox: true,
    });
  }

  /**
   * Resumes a hook by the SHA-256 of its token: delivered to its run like a signal (through the
   * inbox of the run's partition when another process runs it). Resolves once the call is
   * recorded, or queued while the partition has no owner.
   *
   * @param tokenHash The token's SHA-256.
   * @param data The body (checked JSON).
   * @param at When the call was made (its expiry is checked against it).
   * @param source Where the call comes from.
   * @throws {HookNotFoundError} When no open hook has the token.
   * @throws {HookExpiredError} When its timeout had passed at `at`.
   */
  async resumeHookByHash(
    tokenHash: string,
    data: JsonValue,
    at: number,
    source: ActionSource = {},
  ): Promise<void> {
    const kv = this.#deps.store.kv;
    const hook = await findHook(kv, { hash: tokenHash }, at);
    const id = hook.workflowId;
    if (this.#elsewhere(id, source)) {
      this.#deps.assertOpen();
      await this.#deps.remote.request({
        id: crypto.randomUUID(),
        createdAt: at,
        kind: "hook",
        workflowId: id,
        tokenHash,
        data,
      });
      return;
    }
    let run: Run;
    try {
      run = await this.#liveRun(id, "resume a hook of");
    } catch (e) {
      if (e instanceof WorkflowNotRunningError || e instanceof WorkflowNotFoundError) {
        throw new HookNotFoundError("its run has ended");
      }
      throw e;
    }
    if (this.#resuming.has(tokenHash)) throw new HookNotFoundError("it was used already");
    this.#deps.assertWritable();
    this.#resuming.add(tokenHash);
    try {
      await this.#deliver(run, {
        type: EventType.HookReceived,
        payload: { seq: hook.seq, token_hash: tokenHash, payload: data, received_at: isoTime(at) },
      });
    } finally {
      this.#resuming.delete(tokenHash);
    }
    // The transition that recorded the call removed the hook's entry; one that is still there
    // means the run did not take the call (the hook timed out or closed first).
    const left = await findHook(kv, { hash: tokenHash }, at).catch(() => undefined);
    if (left !== undefined) throw notTaken(left.expiresAt, Date.now());
  }

  async info(id: string): Promise<WorkflowInfo> {
    await this.#started(id);
    return this.#deps.reader.info(await this.#record(id));
  }

  /** Settles a waiter from the run's record (another process runs it). */
  #remoteResult(id: string, waiter: Waiter): void {
    const options = waiter.signal === undefined ? {} : { signal: waiter.signal };
    this.#deps.remote.result(id, options).then(waiter.resolve, waiter.reject);
  }

  /** Whether a run is another process's: not loaded here, and of a partition not run here. */
  #elsewhere(id: string, source: ActionSource): boolean {
    if (source.inbox === true || this.#deps.loop.runs.has(id) || this.#deps.starting.has(id)) {
      return false;
    }
    return !this.#deps.runs(this.#deps.store.partitionOf(id));
  }

  /** The record of another process's run, which must exist and not have ended. */
  async #remoteRecord(id: string, action: string): Promise<WorkflowRecord> {
    const record = await this.#record(id);
    if (isTerminal(record.status)) throw new WorkflowNotRunningError(action, id, record.status);
    return record;
  }

  async #started(id: string): Promise<void> {
    if (this.#deps.starting.has(id)) await this.#deps.starting.get(id);
  }

  #deliver(run: Run, event: Item["event"], answer?: InboxTicket): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#deps.loop.deliver(run, {
        event,
        done: (error) => error === undefined ? resolve() : reject(error),
        ...(answer === undefined ? {} : { answer }),
      });
    });
  }

  async #record(id: string): Promise<WorkflowRecord> {
    const record = await readOfRun(this.#deps.store.getWorkflow(id));
    if (record === undefined) throw new WorkflowNotFoundError(id);
    return record;
  }

  async #outcome(record: WorkflowRecord): Promise<unknown> {
    if (record.status === WorkflowStatus.Completed) {
      return record.result === undefined
        ? {}
        : await readOfRun(this.#deps.store.readValue(record.id, record.result, "result"));
    }
    throw outcomeError(record);
  }

  async #liveRun(id: string, action: string): Promise<Run> {
    this.#deps.assertOpen();
    await this.#started(id);
    const run = this.#deps.loop.runs.get(id);
    if (run !== undefined) {
      if (run.blocked !== undefined) throw run.blocked;
      return run;
    }
    const damaged = this.#deps.damaged.get(id);
    if (damaged !== undefined) throw damaged;
    const record = await this.#record(id);
    if (isTerminal(record.status)) throw new WorkflowNotRunningError(action, id, record.status);
    // Started by another process a moment ago, and not yet taken on: take it on now.
    const adopted = record.entries === 0 ? await this.#deps.adopt(id, record) : undefined;
    if (adopted !== undefined) return adopted;
    throw new StorageError(`Workflow "${id}" is RUNNING in the store but not loaded by this owner`);
  }
}
