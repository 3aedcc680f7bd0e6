/**
 * Acting on runs that another process owns: a start writes the run's record at once
 * (create-if-absent, see `createRun`); a signal or cancel goes to the inbox of the run's
 * partition and waits for the owner's answer while the partition has a live owner (without one
 * it waits, durably, for the next owner: "queued"); a result is polled from the store. The
 * client of a process that owns nothing (`connectKv`) and an engine acting on runs of
 * partitions it does not hold both use it.
 *
 * @module
 */

import type { ResultOptions } from "../client.ts";
import {
  deserializeError,
  type SerializedError,
  StorageError,
  WorkflowNotFoundError,
  WorkflowStillRunningError,
} from "../errors.ts";
import type { JsonValue } from "../json.ts";
import {
  createRun,
  type InboxRequest,
  type KvStore,
  readLeases,
  type WorkflowRecord,
} from "../../store/mod.ts";
import { isTerminal, outcomeError, readOfRun } from "../views/mod.ts";

/** Timings of {@linkcode RemoteRuns}. */
export interface RemoteTimings {
  /** How often replies and results are polled, in ms. */
  pollIntervalMs: number;
  /** How long to wait for the owner to answer a request, in ms. */
  replyTimeoutMs: number;
}

/** What a start needs: the run's name, definition fields and input. */
export interface RemoteStart {
  /** Run id. */
  id: string;
  /** Workflow name. */
  name: string;
  /** Version; `""` lets the owner pick the newest it has. */
  version: string;
  /** Definition description. */
  description: string;
  /** Module of the definition. */
  module: string;
  /** The input (JSON). */
  input: JsonValue;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** See the module doc. */
export class RemoteRuns {
  readonly #store: KvStore;
  readonly #timings: RemoteTimings;
  readonly #closed: () => Error | undefined;

  /**
   * Creates the remote side.
   *
   * @param store The store (its partition count known).
   * @param timings Poll interval and reply timeout.
   * @param closed Why the caller cannot go on (closed, or lost its lease), or `undefined`.
   */
  constructor(store: KvStore, timings: RemoteTimings, closed: () => Error | undefined) {
    this.#store = store;
    this.#timings = timings;
    this.#closed = closed;
  }

  /** How often replies and results are polled, in ms. */
  get pollIntervalMs(): number {
    return this.#timings.pollIntervalMs;
  }

  /**
   * Whether a live process holds the lease of a run's partition now.
   *
   * @param workflowId The run.
   * @returns `true` when its partition has an owner.
   */
  async ownerAlive(workflowId: string): Promise<boolean> {
    const p = this.#store.partitionOf(workflowId);
    return (await readLeases(this.#store.kv, [p])).get(p) !== undefined;
  }

  /**
   * Hands a request to the owner of its run's partition, and waits for the answer while the
   * partition has a live owner.
   *
   * @param request The request.
   * @returns The answer; `{}` when no owner is alive (the request waits for one).
   * @throws The error the owner answered with; {@linkcode StorageError} when it did not answer
   * in time.
   */
  async request(request: InboxRequest): Promise<{ workflowId?: string; created?: boolean }> {
    this.#assertOpen();
    await this.#store.putInbox(request);
    if (!await this.ownerAlive(request.workflowId)) return {};
    const deadline = Date.now() + this.#timings.replyTimeoutMs;
    while (Date.now() < deadline) {
      const reply = await this.#store.takeReply(request.id);
      if (reply !== undefined) {
        if (reply.ok) {
          const { ok: _, ...answer } = reply;
          return answer;
        }
        throw deserializeError(reply.error as unknown as SerializedError);
      }
      this.#assertOpen();
      await sleep(this.#timings.pollIntervalMs);
    }
    throw new StorageError(
      `The owner of workflow "${request.workflowId}" in ${this.#store.where} did not answer within ${this.#timings.replyTimeoutMs} ms`,
    );
  }

  #assertOpen(): void {
    const error = this.#closed();
    if (error !== undefined) throw error;
  }

  /**
   * Writes a new run's record with its pending-start marker, for its partition's owner to start.
   *
   * @param run The run.
   * @returns `true` when this call created the run, `false` when the id existed.
   */
  start(run: RemoteStart): Promise<boolean> {
    const time = Date.now();
    return createRun(this.#store.kv, {
      id: run.id,
      name: run.name,
      version: run.version,
      description: run.description,
      module: run.module,
      status: "RUNNING",
      createdAt: time,
      updatedAt: time,
      entries: 0,
      events: 0,
      input: { v: null },
      partition: this.#store.partitionOf(run.id),
      tasks: [],
    }, run.input);
  }

  /**
   * Waits for a run's result by reading its record.
   *
   * @param id The run.
   * @param options Whether to wait, and what aborts the wait.
   * @returns The result.
   */
  async result(id: string, options: ResultOptions): Promise<unknown> {
    while (true) {
      const record = await this.record(id);
      if (isTerminal(record.status)) return await this.outcome(record);
      if (options.wait === false) throw new WorkflowStillRunningError(id);
      if (options.signal?.aborted) throw options.signal.reason;
      this.#assertOpen();
      await sleep(this.#timings.pollIntervalMs);
    }
  }

  /**
   * Reads a run's record.
   *
   * @param id The run.
   * @returns The record.
   * @throws {WorkflowNotFoundError} When there is none.
   */
  async record(id: string): Promise<WorkflowRecord> {
    const record = await readOfRun(this.#store.getWorkflow(id));
    if (record === undefined) throw new WorkflowNotFoundError(id);
    return record;
  }

  /**
   * A finished run's outcome: its result, or the error it ended with.
   *
   * @param record The record (terminal).
   * @returns The result.
   */
  async outcome(record: WorkflowRecord): Promise<unknown> {
    if (record.status !== "COMPLETED") throw outcomeError(record);
    return record.result === undefined
      ? {}
      : await readOfRun(this.#store.readValue(record.id, record.result, "result"));
  }
}
