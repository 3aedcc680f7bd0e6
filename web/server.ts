/**
 * Serving the API on a socket: loopback by default, never another address without a token, and
 * a shutdown that ends live feeds before it waits for connections.
 *
 * @module
 */

import { InvalidArgumentError } from "../engine/mod.ts";
import { createApp } from "./api/app.ts";
import { isLoopback } from "./api/auth.ts";
import type { AppOptions } from "./api/context.ts";
import type { ApiBackend } from "./backend.ts";

/** Options of {@linkcode startServer}. */
export interface ServerOptions extends Omit<AppOptions, "signal"> {
  /** Address to listen on. @default "127.0.0.1" */
  host?: string;
  /** Port; `0` picks a free one. @default 8000 */
  port?: number;
}

/** A running server. */
export interface LoomServer extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Resolves when the server has stopped. */
  readonly finished: Promise<void>;
  /** Ends live feeds, stops accepting, and waits for open requests. */
  close(): Promise<void>;
}

/**
 * Serves the API of a backend.
 *
 * @param backend The owner's engine or a reader's KV client, as a backend.
 * @param options Address, token, limits.
 * @returns The running server.
 * @throws {InvalidArgumentError} For a non-loopback address without a token, an empty token, or
 * an address that cannot be used (in use, not local).
 * @example
 * ```ts ignore
 * await using server = await startServer(engineBackend(engine), { port: 0 });
 * console.log(server.url);
 * ```
 */
export function startServer(
  backend: ApiBackend,
  options: ServerOptions = {},
): Promise<LoomServer> {
  try {
    return Promise.resolve(serve(backend, options));
  } catch (e) {
    return Promise.reject(e);
  }
}

function serve(backend: ApiBackend, options: ServerOptions): LoomServer {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8000;
  if (options.token === "") {
    throw new InvalidArgumentError("Invalid token: it is empty");
  }
  if (!isLoopback(host) && options.token === undefined) {
    throw new InvalidArgumentError(
      `Refusing to serve on "${host}" without a token: set one (--token or LOOM_TOKEN), or listen on 127.0.0.1`,
    );
  }
  const controller = new AbortController();
  const app = createApp(backend, { ...options, signal: controller.signal });
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname: host, port, onListen: () => {} }, app.fetch);
  } catch (e) {
    throw new InvalidArgumentError(
      `Cannot listen on ${host}:${port}: ${(e as Error).message}`,
    );
  }
  const addr = server.addr;
  const shown = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      controller.abort();
      await server.shutdown();
    })();
    return closing;
  };
  return {
    url: `http://${shown}:${addr.port}`,
    port: addr.port,
    finished: server.finished,
    close,
    [Symbol.asyncDispose]: close,
  };
}
