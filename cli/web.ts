/**
 * `loom web`: the HTTP API from a process that does not own the KV file. Reads go to KV
 * directly; starts, signals and cancels go through the owner's inbox; the live feed polls KV
 * every `--poll-interval`. Definitions (and graphs) come from the `--module` files it imports.
 *
 * @module
 */

import {
  connectKv,
  defaultRegistry,
  InvalidArgumentError,
  type KvClient,
  loadModules,
} from "../engine/mod.ts";
import { kvBackend, type LoomServer, startServer } from "../web/mod.ts";
import { watchStop } from "./_stop.ts";

/** Options of {@linkcode runWeb}. */
export interface WebCommandOptions {
  /** The owner's KV file. */
  kvPath: string;
  /** Modules whose workflow definitions the API shows (definitions, graphs). */
  modules: string[];
  /** Address to listen on. */
  host: string;
  /** Port; `0` picks a free one. */
  port: number;
  /** Token the API requires (all routes but `/health`). */
  token?: string;
  /** How often the live feed reads KV, in ms. */
  pollIntervalMs: number;
  /** Largest request body, in bytes. */
  maxBody: number;
  /** Where to print. @default console.log */
  print?: (line: string) => void;
  /** Stops the server (like SIGINT). */
  signal?: AbortSignal;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Serves the API of a KV file that another process owns, until SIGINT/SIGTERM or `signal`.
 *
 * @param options File, modules, address, token, poll interval, output.
 * @returns Exit code: 0 after a clean stop, 1 when it could not start, 2 for a refused option.
 */
export async function runWeb(options: WebCommandOptions): Promise<number> {
  const print = options.print ?? ((line: string) => console.log(line));
  using stop = watchStop(options.signal === undefined ? {} : { signal: options.signal });
  const file = options.kvPath !== ":memory:" && !/^[a-z]+:\/\//i.test(options.kvPath);
  if (file && !(await exists(options.kvPath))) {
    print(`error: no Loom data at ${options.kvPath}: start "loom serve" or "loom worker" first`);
    return 1;
  }
  let client: KvClient;
  try {
    await loadModules(options.modules);
    client = await connectKv({ kvPath: options.kvPath });
  } catch (e) {
    print(`error: ${(e as Error).message}`);
    return 1;
  }
  const backend = kvBackend(client, {
    registry: defaultRegistry,
    pollIntervalMs: options.pollIntervalMs,
    onError: (e) => print(`error: live feed: ${e.message}`),
  });
  let server: LoomServer;
  try {
    server = await startServer(backend, {
      host: options.host,
      port: options.port,
      maxBody: options.maxBody,
      ...(options.token === undefined ? {} : { token: options.token }),
    });
  } catch (e) {
    print(`error: ${(e as Error).message}`);
    await backend.close();
    await client.close();
    return e instanceof InvalidArgumentError ? 2 : 1;
  }
  print(`Loom web reads ${options.kvPath} (the owner carries out starts, signals and cancels)`);
  print(
    `API: ${server.url}/api  docs: ${server.url}/docs${options.token ? "  (token required)" : ""}`,
  );
  await stop.stopped;
  print("Web server stopped");
  await server.close();
  await backend.close();
  await client.close();
  return 0;
}
