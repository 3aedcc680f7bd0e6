/**
 * A client for processes that own no partition of the KV file: it reads runs straight from KV,
 * writes starts itself (or asks the partition's owner, which checks the definition, while one is
 * alive) and hands signals, cancels and hook calls to the owner of the run's partition through
 * its inbox, which the owner polls (`remote_runs.ts`); it reads run streams from KV every poll
 * interval.
 *
 * @module
 */

import type {
  CreateScheduleOptions,
  ListOptions,
  ListPage,
  ScheduleClient,
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
  EngineClosedError,
  InvalidArgumentError,
  WorkflowAlreadyExistsError,
  WorkflowDefinitionNotFoundError,
} from "../errors.ts";
import { type JsonValue, toJson } from "../json.ts";
import {
  type InboxRequest,
  KvStore,
  openKv,
  readLeases,
  readWorkflowName,
} from "../../store/mod.ts";
import { RemoteRuns } from "./remote_runs.ts";
import { requireUnstableFeatures } from "./unstable.ts";
import { Handle, type HandleBackend } from "./handle.ts";
import { retryTransient, ScheduleService } from "./schedules/mod.ts";
import { findHook, hookBody } from "./hook_tokens.ts";
import { followStream, streamValues } from "./stream_reader.ts";
import { LoomReader } from "../views/mod.ts";

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

/** See the module doc. */
export class KvClient implements WorkflowClient, AsyncDisposable {
  readonly #store: KvStore;
  readonly #reader: LoomReader;
  readonly #remote: RemoteRuns;
  readonly #ownsKv: boolean;
  #closed = false;
  /**
   * Schedules: written here, fired by the owner of their partition (the workflow is checked
   * against this process's definitions, then the names the file's owners registered).
   */
  readonly schedules: ScheduleClient;

  /**
   * Creates the client.
   *
   * @param store The store (its partition count read).
   * @param options Timings; with `kv`, closing the client leaves the store's handle open.
   */
  constructor(store: KvStore, options: KvClientOptions) {
    this.#store = store;
    this.#ownsKv = options.kv === undefined;
    this.#reader = new LoomReader(store.kv, store.where);
    this.#remote = new RemoteRuns(store, {
      pollIntervalMs: options.pollIntervalMs ?? 50,
      replyTimeoutMs: options.replyTimeoutMs ?? 30_000,
    }, () => this.#closed ? new EngineClosedError("The client is closed") : undefined);
    this.schedules = new ScheduleService({
      kv: store.kv,
      partitionOf: (id) => store.partitionOf(id),
      workflowName: (ref) => this.#workflowName(ref),
      start: (workflow, input, workflowId) => this.start(workflow, input, { workflowId }),
      clock: Date.now,
      changed: () => {},
    });
  }

  async #workflowName(ref: CreateScheduleOptions["workflow"]): Promise<string> {
    if (typeof ref !== "string") {
      const def = workflowDefinitionOf(ref);
      if (def === undefined) {
        throw new InvalidArgumentError(
          "Invalid workflow: it is not a workflow or a workflow name",
          {
            field: "workflow",
          },
        );
      }
      return def.name;
    }
    if (defaultRegistry.listWorkflows().some((d) => d.name === ref)) return ref;
    const known = await retryTransient(
      "read the workflow names",
      () => readWorkflowName(this.#store.kv, ref),
    );
    if (known !== undefined) return ref;
    throw new WorkflowDefinitionNotFoundError(ref);
  }

  /** Reads what the owner's KV file holds (HTTP API, CLI, dashboard). */
  get reader(): LoomReader {
    return this.#reader;
  }

  /**
   * Whether a live process owns (a partition of) the KV file now. While none does, starts,
   * signals and cancels are accepted durably and carried out when an owner starts ("queued").
   *
   * @param workflowId Whether the owner of this run's partition is alive; of any partition when
   * not given.
   * @returns `true` when an owner holds the lease.
   */
  async owned(workflowId?: string): Promise<boolean> {
    if (workflowId !== undefined) return await this.#remote.ownerAlive(workflowId);
    const all = Array.from({ length: this.#store.partitionCount }, (_, p) => p);
    for (const lease of (await readLeases(this.#store.kv, all)).values()) {
      if (lease !== undefined) return true;
    }
    return false;
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
    if (!await this.#remote.ownerAlive(workflowId)) {
      return await this.#startQueued(workflow, name, workflowId, payload, options);
    }
    // The partition's owner checks the definition and answers whether the id existed.
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
    const answer = await this.#remote.request(request);
    return new Handle(this.#backend, workflowId, answer.created === true);
  }

  /**
   * Starts a run while no process owns its partition: its record is written here
   * (create-if-absent), and the partition's next owner carries it out. The definition is
   * checked here when this process knows it; otherwise the owner uses the newest version of the
   * name.
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
    const created = await this.#remote.start({ id, name, version, description, module, input });
    if (!created && options.ifExists === "fail") throw new WorkflowAlreadyExistsError(id);
    return new Handle(this.#backend, id, created);
  }

  getHandle<S = Record<string, JsonValue>>(workflowId: string): WorkflowHandle<S> {
    return new Handle<S>(this.#backend, workflowId);
  }

  list(options: ListOptions = {}): Promise<ListPage> {
    return this.#reader.list(options);
  }

  /**
   * Resumes a hook by its token: the call goes to the owner of the hook's run, or, while none is
   * alive, waits in its inbox for the next one (it is carried out as of now).
   *
   * @param token The hook's token.
   * @param body Its body (JSON).
   * @returns Resolves once the call is recorded, or queued.
   * @throws {HookNotFoundError} When no open hook has the token.
   * @throws {HookExpiredError} When the hook's timeout has passed.
   */
  async resumeHook(token: string, body: JsonValue = null): Promise<void> {
    const data = hookBody(body);
    if (this.#closed) throw new EngineClosedError("The client is closed");
    const at = Date.now();
    const hook = await findHook(this.#store.kv, token, at);
    await this.#remote.request({
      id: crypto.randomUUID(),
      createdAt: at,
      kind: "hook",
      workflowId: hook.workflowId,
      tokenHash: hook.tokenHash,
      data,
    });
  }

  readonly #backend: HandleBackend = {
    status: async (id) => (await this.#remote.record(id)).status as WorkflowStatus,
    result: (id, options) => this.#remote.result(id, options),
    signal: async (id, name, data) => {
      await this.#remote.request({
        id: crypto.randomUUID(),
        createdAt: Date.now(),
        kind: "signal",
        workflowId: id,
        name,
        data: toJson(data === undefined ? null : data, `signal "${name}" data`),
      });
    },
    cancel: async (id, reason) => {
      await this.#remote.request({
        id: crypto.randomUUID(),
        createdAt: Date.now(),
        kind: "cancel",
        workflowId: id,
        reason,
      });
    },
    info: async (id) => this.#reader.info(await this.#remote.record(id)),
    stream: (id, name, options) =>
      streamValues(followStream(
        {
          record: (workflowId) => this.#reader.run(workflowId),
          values: (workflowId, stream, after, limit) =>
            this.#reader.stream(workflowId, stream, after, limit),
          pollMs: this.#remote.pollIntervalMs,
        },
        id,
        name,
        options,
      )),
  };

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
    const store = new KvStore(options.kv, options.kvPath ?? "(given handle)");
    await store.ensurePartitions();
    return new KvClient(store, options);
  }
  const where = options.kvPath ?? ".loom/loom.kv";
  requireUnstableFeatures();
  const store = new KvStore(await openKv(where), where);
  try {
    await store.ensurePartitions();
  } catch (e) {
    store.close();
    throw e;
  }
  return new KvClient(store, options);
}
