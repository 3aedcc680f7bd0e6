/**
 * A client for processes that do not own the KV file: it reads runs straight from KV and hands
 * starts, signals and cancels to the owner through the inbox, which the owner polls.
 *
 * @module
 */

import type {
  ListOptions,
  ListPage,
  ResultOptions,
  StartOptions,
  TypedWorkflowRef,
  WorkflowClient,
  WorkflowHandle,
  WorkflowRef,
} from "../client.ts";
import type { WorkflowStatus } from "../replay/events.ts";
import { defaultRegistry } from "../definition/registry.ts";
import { resolveWorkflow, workflowDefinitionOf } from "../definition/workflow.ts";
import { checkWorkflowId } from "../workflow_id.ts";
import {
  deserializeError,
  EngineClosedError,
  InvalidArgumentError,
  type SerializedError,
  StorageError,
  WorkflowAlreadyExistsError,
  WorkflowNotFoundError,
  WorkflowStillRunningError,
} from "../errors.ts";
import { type JsonValue, toJson } from "../json.ts";
import { createRun, type InboxRequest, KvStore, openKv, readLease } from "../../store/mod.ts";
import { requireUnstableFeatures } from "./unstable.ts";
import { Handle, type HandleBackend } from "./handle.ts";
import { isTerminal, LoomReader, outcomeError, readOfRun } from "../views/mod.ts";

/** Options of {@linkcode connectKv}. */
export interface KvClientOptions {
  /** The owner's KV file (with `kv`: the path that handle was opened with). @default ".loom/loom.kv" */
  kvPath?: string;
  /** An open KV handle to use instead of opening `kvPath` (the client does not close it). */
  kv?: Deno.Kv;
  /** How often replies and results are polled, in ms. @default 50 */
  pollIntervalMs?: number;
  /** How long to wait for the owner to answer a request, in ms. @default 30000 */
  replyTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** See the module doc. */
export class KvClient implements WorkflowClient, AsyncDisposable {
  readonly #store: KvStore;
  readonly #reader: LoomReader;
  readonly #poll: number;
  readonly #timeout: number;
  readonly #ownsKv: boolean;
  #closed = false;

  /**
   * Creates the client.
   *
   * @param store The store.
   * @param options Timings; with `kv`, closing the client leaves the store's handle open.
   */
  constructor(store: KvStore, options: KvClientOptions) {
    this.#store = store;
    this.#ownsKv = options.kv === undefined;
    this.#reader = new LoomReader(store.kv, store.where);
    this.#poll = options.pollIntervalMs ?? 50;
    this.#timeout = options.replyTimeoutMs ?? 30_000;
  }

  /** Reads what the owner's KV file holds (HTTP API, CLI, dashboard). */
  get reader(): LoomReader {
    return this.#reader;
  }

  /**
   * Whether a live process owns the KV file now. While none does, starts, signals and cancels
   * are accepted durably and carried out when an owner starts ("queued").
   *
   * @returns `true` when an owner holds the lease.
   */
  async owned(): Promise<boolean> {
    return await readLease(this.#store.kv, 0) !== undefined;
  }

  async #request(request: InboxRequest): Promise<{ workflowId?: string; created?: boolean }> {
    if (this.#closed) throw new EngineClosedError("The client is closed");
    await this.#store.putInbox(request);
    // No owner: the request waits in the inbox for one (queued), unanswered for now.
    if (!await this.owned()) return {};
    const deadline = Date.now() + this.#timeout;
    while (Date.now() < deadline) {
      const reply = await this.#store.takeReply(request.id);
      if (reply !== undefined) {
        if (reply.ok) {
          const { ok: _, ...answer } = reply;
          return answer;
        }
        throw deserializeError(reply.error as unknown as SerializedError);
      }
      await sleep(this.#poll);
    }
    throw new StorageError(
      `The owner of ${this.#store.where} did not answer within ${this.#timeout} ms`,
    );
  }

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
    const name = typeof workflow === "string" ? workflow : workflowDefinitionOf(workflow)?.name;
    if (name === undefined) {
      throw new InvalidArgumentError("Cannot start it: it is not a workflow or a workflow name");
    }
    const workflowId = checkWorkflowId(options.workflowId ?? crypto.randomUUID());
    const payload = toJson(input === undefined ? null : input, "input");
    if (this.#closed) throw new EngineClosedError("The client is closed");
    if (!await this.owned()) {
      return await this.#startQueued(workflow, name, workflowId, payload, options);
    }
    const request: InboxRequest = {
      id: crypto.randomUUID(),
      createdAt: Date.now(),
      kind: "start",
      workflow: name,
      input: payload,
      workflowId,
    };
    if (options.version !== undefined) request.version = options.version;
    if (options.ifExists !== undefined) request.ifExists = options.ifExists;
    const answer = await this.#request(request);
    return new Handle(this.#backend, workflowId, answer.created === true);
  }

  /**
   * Starts a run while no process owns the file: its record is written here (create-if-absent),
   * and the owner that starts next carries it out. The definition is checked here when this
   * process knows it; otherwise the owner uses the newest version of the name.
   */
  async #startQueued(
    workflow: WorkflowRef | TypedWorkflowRef<unknown, object>,
    name: string,
    id: string,
    input: JsonValue,
    options: StartOptions,
  ): Promise<WorkflowHandle<unknown>> {
    let version = options.version ?? "";
    let description = "";
    let module = "";
    const known = typeof workflow === "string"
      ? defaultRegistry.listWorkflows().some((d) => d.name === name)
      : true;
    if (known) {
      const def = resolveWorkflow(defaultRegistry, workflow, options.version);
      version = def.version;
      description = def.description;
      module = def.module;
    }
    const time = Date.now();
    const created = await createRun(this.#store.kv, {
      id,
      name,
      version,
      description,
      module,
      status: "RUNNING",
      createdAt: time,
      updatedAt: time,
      entries: 0,
      events: 0,
      input: { v: null },
      partition: 0,
      tasks: [],
    }, input);
    if (!created && options.ifExists === "fail") throw new WorkflowAlreadyExistsError(id);
    return new Handle(this.#backend, id, created);
  }

  getHandle<S = Record<string, JsonValue>>(workflowId: string): WorkflowHandle<S> {
    return new Handle<S>(this.#backend, workflowId);
  }

  list(options: ListOptions = {}): Promise<ListPage> {
    return this.#reader.list(options);
  }

  readonly #backend: HandleBackend = {
    status: async (id) => (await this.#record(id)).status as WorkflowStatus,
    result: (id, options) => this.#result(id, options),
    signal: async (id, name, data) => {
      await this.#request({
        id: crypto.randomUUID(),
        createdAt: Date.now(),
        kind: "signal",
        workflowId: id,
        name,
        data: toJson(data === undefined ? null : data, `signal "${name}" data`),
      });
    },
    cancel: async (id, reason) => {
      await this.#request({
        id: crypto.randomUUID(),
        createdAt: Date.now(),
        kind: "cancel",
        workflowId: id,
        reason,
      });
    },
    info: async (id) => this.#reader.info(await this.#record(id)),
  };

  async #record(id: string) {
    const record = await readOfRun(this.#store.getWorkflow(id));
    if (record === undefined) throw new WorkflowNotFoundError(id);
    return record;
  }

  async #result(id: string, options: ResultOptions): Promise<unknown> {
    while (true) {
      const record = await this.#record(id);
      if (isTerminal(record.status)) {
        if (record.status !== "COMPLETED") throw outcomeError(record);
        return record.result === undefined
          ? {}
          : await readOfRun(this.#store.readValue(id, record.result, "result"));
      }
      if (options.wait === false) throw new WorkflowStillRunningError(id);
      if (options.signal?.aborted) throw options.signal.reason;
      if (this.#closed) throw new EngineClosedError("The client is closed");
      await sleep(this.#poll);
    }
  }

  /** Closes the KV handle (unless it was given). */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#ownsKv) this.#store.close();
    }
    return Promise.resolve();
  }

  /** Same as {@linkcode KvClient.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens a client on a KV file that another process owns.
 *
 * @param options The file and timings.
 * @returns The client; close it when done.
 * @throws {MissingUnstableFeatureError} When Deno runs without `kv` enabled.
 * @example
 * ```ts ignore
 * await using client = await connectKv({ kvPath: ".loom/loom.kv" });
 * const handle = await client.start("OrderProcessing", { orderId: "A1", customerEmail: "a@b.c" });
 * console.log(await handle.result());
 * ```
 */
export async function connectKv(options: KvClientOptions = {}): Promise<KvClient> {
  if (options.kv !== undefined) {
    return new KvClient(new KvStore(options.kv, options.kvPath ?? "(given handle)"), options);
  }
  const where = options.kvPath ?? ".loom/loom.kv";
  requireUnstableFeatures();
  return new KvClient(new KvStore(await openKv(where), where), options);
}
