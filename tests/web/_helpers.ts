/**
 * Helpers of the web tests: an engine on real KV with the API over it, JSON requests through
 * `app.request()` (no sockets), and reading SSE bodies.
 *
 * @module
 */

import { createEngine, type Engine, type EngineOptions } from "../../engine/mod.ts";
import {
  type App,
  type AppOptions,
  createApp,
  engineBackend,
  readSse,
  type SseMessage,
} from "../../web/mod.ts";

/** An engine and the API over it. */
export interface ApiFixture extends AsyncDisposable {
  /** The engine (owner). */
  engine: Engine;
  /** The API. */
  app: App;
  /** Sends a request; a `body` object is sent as JSON. */
  call(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Sends a request and reads the JSON answer. */
  json<T = Record<string, unknown>>(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T }>;
}

/**
 * Makes an engine on `:memory:` (or `kvPath`) and the API over it.
 *
 * @param app Options of the app.
 * @param engine Options of the engine.
 * @returns The fixture; dispose it to close both.
 */
export async function apiFixture(
  app: AppOptions = {},
  engine: EngineOptions = {},
): Promise<ApiFixture> {
  const controller = new AbortController();
  const e = await createEngine({
    kvPath: ":memory:",
    pollIntervalMs: 50,
    shutdownGraceMs: 200,
    ...engine,
  });
  const a = createApp(engineBackend(e), { signal: controller.signal, ...app });
  const call: ApiFixture["call"] = (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
      headers["content-type"] ??= "application/json";
    }
    return Promise.resolve(a.request(path, {
      method: init.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      ...(body === undefined ? {} : { body }),
    }));
  };
  return {
    engine: e,
    app: a,
    call,
    async json<T>(path: string, init?: Parameters<ApiFixture["call"]>[1]) {
      const res = await call(path, init);
      return { status: res.status, body: await res.json() as T };
    },
    async [Symbol.asyncDispose]() {
      controller.abort();
      await e.close();
    },
  };
}

/**
 * Reads SSE messages from a response until `stop` says so, then cancels the body.
 *
 * @param res The streaming response.
 * @param stop Called with every message and all so far; `true` ends the read.
 * @param timeoutMs Fails after this long.
 * @returns The messages read.
 */
export async function readUntil(
  res: Response,
  stop: (message: SseMessage, all: SseMessage[]) => boolean,
  timeoutMs = 10_000,
): Promise<SseMessage[]> {
  if (res.body === null) throw new Error("The response has no body");
  const all: SseMessage[] = [];
  const timeout = AbortSignal.timeout(timeoutMs);
  for await (const m of readSse(res.body, timeout)) {
    all.push(m);
    if (stop(m, all)) return all;
  }
  if (timeout.aborted) {
    throw new Error(`Timed out reading the stream; got ${JSON.stringify(all.map((m) => m.event))}`);
  }
  return all;
}

/**
 * Waits until an SSE response says `: connected` (its feed is subscribed), so that what happens
 * next is live, not history.
 *
 * @param res The stream's response.
 * @returns A response with the rest of the stream, from just after the comment.
 */
export async function connected(res: Response): Promise<Response> {
  if (res.body === null) throw new Error("The response has no body");
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  let rest = new Uint8Array();
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The stream ended before ": connected"; got ${JSON.stringify(seen)}`);
    seen += decoder.decode(value, { stream: true });
    const at = seen.indexOf(": connected\n");
    if (at >= 0) {
      rest = new TextEncoder().encode(seen.slice(at + ": connected\n".length));
      break;
    }
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (rest.length > 0) controller.enqueue(rest);
    },
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { headers: res.headers, status: res.status });
}
