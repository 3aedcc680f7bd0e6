/**
 * Loom's HTTP side: the API (a Hono app with OpenAPI docs and live SSE feeds) over the owner's
 * engine or over a reader's KV client, the server that serves it, and `connect()`, a client for
 * Deno scripts with the engine's client API.
 *
 * @example
 * ```ts ignore
 * import { createEngine } from "../engine/mod.ts";
 * import { connect, engineBackend, startServer } from "./mod.ts";
 *
 * await using engine = await createEngine({ kvPath: ".loom/loom.kv" });
 * await using server = await startServer(engineBackend(engine), { port: 8000 });
 * const loom = connect({ url: server.url });
 * const handle = await loom.start("OrderProcessing", { orderId: "A1" });
 * console.log(await handle.result());
 * ```
 *
 * @module
 */

export {
  API_VERSION,
  ApiError,
  type App,
  type AppOptions,
  createApp,
  DEFAULT_MAX_BODY,
  type ErrorBody,
  HttpErrorCode,
  isLoopback,
  statusOf,
  TOKEN_COOKIE,
} from "./api/mod.ts";
export {
  buildGraph,
  type EdgeType,
  type GraphEdge,
  type GraphFormat,
  type GraphNode,
  type NodeType,
  renderGraph,
  type WorkflowGraph,
} from "../engine/mod.ts";
export type { ApiBackend, ChangeFeed, FeedChange, LiveCounts, Readiness } from "./backend.ts";
export { connect, type ConnectOptions, HttpClient, HttpError } from "./client.ts";
export { engineBackend } from "./engine_backend.ts";
export { kvBackend, type KvBackendOptions } from "./kv_backend.ts";
export { PollingFeed } from "./polling_feed.ts";
export { type LoomServer, type ServerOptions, startServer } from "./server.ts";
export { readSse, type SseMessage } from "./sse_reader.ts";
