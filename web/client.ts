/**
 * A client for Deno scripts over the HTTP API, with the same shape as the engine's client side
 * (`start`, `getHandle`, `list`, `schedules`, `resumeHook`; handles with `status`, `result`,
 * `signal`, `cancel`, `info`, `stream`).
 * Errors are rebuilt from their code, so `instanceof WorkflowNotFoundError` works as with the
 * engine. `result()` waits by long polling (the server answers when the run ends, fed by its
 * live feed), never by a tight loop.
 *
 * @module
 */

import {
  deserializeError,
  ErrorCode,
  Handle,
  type HandleBackend,
  InvalidArgumentError,
  type JsonValue,
  type ListOptions,
  type ListPage,
  type ResultOptions,
  type ScheduleClient,
  type SerializedError,
  type StartOptions,
  type StreamOptions,
  toJson,
  type TypedWorkflowRef,
  type WorkflowClient,
  workflowDefinitionOf,
  type WorkflowHandle,
  type WorkflowInfo,
  type WorkflowRef,
  type WorkflowStatus,
  WorkflowStillRunningError,
} from "../engine/mod.ts";
import { HttpSchedules } from "./schedule_client.ts";
import { HttpError } from "./http_error.ts";
import { readSse, type SseMessage } from "./sse_reader.ts";
import { followSse } from "./stream_client.ts";

export { HttpError };

/** Options of {@linkcode connect}. */
export interface ConnectOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** The server's token, when it has one (`undefined` for none: `Deno.env.get("LOOM_TOKEN")`). */
  token?: string | undefined;
  /** Longest single wait of `result()` before it asks again, in ms. @default 30000 */
  longPollMs?: number;
}

const ENGINE_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

interface Summary {
  id: string;
  name: string;
  version: string;
  status: WorkflowStatus;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

interface Detail extends Summary {
  description: string;
  module: string;
  input: JsonValue;
  event_count: number;
  error: SerializedError | null;
}

interface Outcome {
  status: WorkflowStatus;
  done: boolean;
  result?: unknown;
  error?: SerializedError;
}

interface Call {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal | undefined;
  headers?: Record<string, string>;
}

/** Requests to the server, with the token, and errors rebuilt from their code. */
class Transport {
  readonly base: URL;
  readonly #token: string | undefined;
  readonly longPollMs: number;

  constructor(options: ConnectOptions) {
    this.base = new URL(options.url.endsWith("/") ? options.url : `${options.url}/`);
    this.#token = options.token;
    this.longPollMs = options.longPollMs ?? 30_000;
  }

  get url(): string {
    return this.base.href.replace(/\/$/, "");
  }

  async fetch(method: string, path: string, call: Call = {}): Promise<Response> {
    const url = new URL(path.replace(/^\//, ""), this.base);
    for (const [k, v] of Object.entries(call.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { accept: "application/json", ...call.headers };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    if (call.body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        ...(call.signal === undefined ? {} : { signal: call.signal }),
      });
    } catch (e) {
      if (call.signal?.aborted) throw call.signal.reason;
      throw new HttpError(
        0,
        "CONNECTION_FAILED",
        `Cannot reach Loom at ${this.url}: ${(e as Error).message}`,
      );
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  async call<T>(method: string, path: string, call: Call = {}): Promise<T> {
    const res = await this.fetch(method, path, call);
    return await res.json() as T;
  }

  detail(id: string): Promise<Detail> {
    return this.call<Detail>("GET", `/api/workflows/${encodeURIComponent(id)}`);
  }

  outcome(id: string, waitMs: number, signal?: AbortSignal): Promise<Outcome> {
    return this.call<Outcome>("GET", `/api/workflows/${encodeURIComponent(id)}/result`, {
      query: waitMs > 0 ? { wait: "true", timeout_ms: waitMs } : { wait: "false" },
      signal,
    });
  }

  async act(id: string, action: "signal" | "cancel", body: unknown): Promise<void> {
    await this.call("POST", `/api/workflows/${encodeURIComponent(id)}/${action}`, { body });
  }
}

async function errorOf(res: Response): Promise<Error> {
  const text = await res.text();
  let body: { code?: unknown; message?: unknown; name?: unknown; details?: unknown } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: reported with the text below.
  }
  if (typeof body.code !== "string" || typeof body.message !== "string") {
    return new HttpError(
      res.status,
      `HTTP_${res.status}`,
      `HTTP ${res.status}: ${text.slice(0, 200)}`,
    );
  }
  if (!ENGINE_CODES.has(body.code)) return new HttpError(res.status, body.code, body.message);
  const data: SerializedError = {
    code: body.code,
    name: typeof body.name === "string" ? body.name : "LoomError",
    message: body.message,
  };
  if (typeof body.details === "object" && body.details !== null) {
    data.details = body.details as Record<string, string>;
  }
  return deserializeError(data);
}

/** See the module doc. */
export class HttpClient implements WorkflowClient {
  readonly #t: Transport;
  readonly #backend: HandleBackend;
  /** Schedules, through `/api/schedules`. */
  readonly schedules: ScheduleClient;

  /**
   * Makes a client (see {@linkcode connect}).
   *
   * @param options Server URL and token.
   */
  constructor(options: ConnectOptions) {
    this.#t = new Transport(options);
    this.#backend = httpBackend(this.#t);
    this.schedules = new HttpSchedules(
      (method, path, body) => this.#t.call(method, path, body === undefined ? {} : { body }),
      (id, created) => new Handle(this.#backend, id, created),
    );
  }

  /** Base URL of the server. */
  get url(): string {
    return this.#t.url;
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
  /**
   * Starts a run (or returns the run with the same id).
   *
   * @param workflow A workflow class, definition, or name.
   * @param input The input (a JSON value).
   * @param options Id, version, and what to do when the id exists.
   * @returns A handle on the run.
   * @throws {WorkflowDefinitionNotFoundError} When the server knows no such workflow.
   * @throws {InvalidPayloadError} When the input is not JSON.
   * @throws {WorkflowAlreadyExistsError} With `ifExists: "fail"` when the id exists.
   */
  async start(
    workflow: WorkflowRef | TypedWorkflowRef<unknown, object>,
    input?: unknown,
    options: StartOptions = {},
  ): Promise<WorkflowHandle<unknown>> {
    const name = typeof workflow === "string" ? workflow : workflowDefinitionOf(workflow)?.name ??
      (typeof workflow === "object" && workflow !== null && "name" in workflow
        ? String(workflow.name)
        : undefined);
    if (name === undefined) {
      throw new InvalidArgumentError("Cannot start it: it is not a workflow or a workflow name");
    }
    const body: Record<string, unknown> = {
      name,
      input: toJson(input === undefined ? null : input, "input"),
    };
    if (options.workflowId !== undefined) body.workflow_id = options.workflowId;
    if (options.version !== undefined) body.version = options.version;
    if (options.ifExists !== undefined) body.if_exists = options.ifExists;
    const started = await this.#t.call<{ created: boolean; workflow: Summary }>(
      "POST",
      "/api/workflows",
      { body },
    );
    return new Handle(this.#backend, started.workflow.id, started.created);
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
  async list(options: ListOptions = {}): Promise<ListPage> {
    const page = await this.#t.call<{ data: Summary[]; meta: { next_cursor: string | null } }>(
      "GET",
      "/api/workflows",
      {
        query: {
          per_page: options.limit ?? 50,
          status: options.status,
          workflow: options.workflow,
          cursor: options.cursor,
        },
      },
    );
    const out: ListPage = {
      items: page.data.map((s) => ({
        workflowId: s.id,
        name: s.name,
        version: s.version,
        status: s.status,
        createdAt: Date.parse(s.created_at),
        updatedAt: Date.parse(s.updated_at),
      })),
    };
    if (page.meta.next_cursor !== null) out.cursor = page.meta.next_cursor;
    return out;
  }

  /**
   * Resumes a hook by its token (`POST /api/hooks/{token}`, which needs no bearer token).
   *
   * @param token The hook's token.
   * @param body Its body (JSON).
   * @returns Resolves once the call is recorded (or queued for the run's owner).
   * @throws {HookNotFoundError} When no open hook has the token (unknown, used, run ended).
   * @throws {HookExpiredError} When the hook's timeout has passed.
   * @throws {InvalidPayloadError} When the body is not JSON.
   */
  async resumeHook(token: string, body: JsonValue = null): Promise<void> {
    const payload = toJson(body === undefined ? null : body, "hook body");
    await this.#t.call("POST", `/api/hooks/${encodeURIComponent(token)}`, { body: payload });
  }

  /**
   * Follows the live feed: every event after `after` (all runs, or one run), as it lands. Ends
   * when `signal` aborts, or, for one run, once the run has ended.
   *
   * @param options `workflowId`: one run; `after`: replay the events after this id first.
   * @returns The feed's messages: events (`message`), run status changes (`run`), `end`.
   */
  async *watch(
    options: { workflowId?: string; after?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<SseMessage> {
    const path = options.workflowId === undefined
      ? "/api/events/stream"
      : `/api/workflows/${encodeURIComponent(options.workflowId)}/events/stream`;
    const res = await this.#t.fetch("GET", path, {
      query: { after: options.after },
      signal: options.signal,
      headers: { accept: "text/event-stream" },
    });
    if (res.body === null) return;
    yield* readSse(res.body);
  }
}

/** The handle backend over HTTP: every action is one API call on the run. */
function httpBackend(t: Transport): HandleBackend {
  return {
    status: async (id) => (await t.detail(id)).status,
    result: async (id, options: ResultOptions) => {
      const wait = options.wait ?? true;
      while (true) {
        if (options.signal?.aborted) throw options.signal.reason;
        const o = await t.outcome(id, wait ? t.longPollMs : 0, options.signal);
        if (o.done) {
          if (o.error !== undefined) throw deserializeError(o.error);
          return o.result ?? {};
        }
        if (!wait) throw new WorkflowStillRunningError(id);
      }
    },
    signal: async (id, name, data) => {
      await t.act(id, "signal", { name, data: toJson(data, `signal "${name}" data`) });
    },
    cancel: async (id, reason) => {
      await t.act(id, "cancel", { reason });
    },
    stream: (id, name, options: StreamOptions) =>
      followSse((last, signal) =>
        t.fetch(
          "GET",
          `/api/workflows/${encodeURIComponent(id)}/streams/${encodeURIComponent(name)}`,
          {
            signal,
            headers: {
              accept: "text/event-stream",
              ...(last === undefined ? {} : { "last-event-id": String(last) }),
            },
          },
        ), options),
    info: async (id) => {
      const d = await t.detail(id);
      const info: WorkflowInfo = {
        workflowId: d.id,
        name: d.name,
        version: d.version,
        description: d.description,
        module: d.module,
        status: d.status,
        input: d.input,
        createdAt: Date.parse(d.created_at),
        updatedAt: Date.parse(d.updated_at),
        eventCount: d.event_count,
      };
      if (d.completed_at !== null) info.completedAt = Date.parse(d.completed_at);
      if (d.error !== null) info.error = d.error;
      return info;
    },
  };
}

/**
 * Connects to a Loom server.
 *
 * @param options Its URL and token.
 * @returns A client with the engine's client API.
 * @example
 * ```ts ignore
 * const loom = connect({ url: "http://127.0.0.1:8000", token: Deno.env.get("LOOM_TOKEN") });
 * const handle = await loom.start("OrderProcessing", { orderId: "A1" });
 * console.log(await handle.result());
 * ```
 */
export function connect(options: ConnectOptions): HttpClient {
  return new HttpClient(options);
}
