/**
 * Opening a client for the commands that change runs (`start`, `signal`, `cancel`): the
 * server's HTTP API when one is known (`--url`, `LOOM_URL`, or `.loom/server.json` when its
 * server answers `/health`), otherwise the owner's inbox in the KV file.
 *
 * @module
 */

import { resolve } from "node:path";
import { connectKv, type LoomReader, type WorkflowClient } from "../engine/mod.ts";
import { connectHttp, httpRunLookup } from "./remote.ts";
import type { RunLookup } from "./run_id.ts";
import { exists, isLocalFile, noDatabase, type Target } from "./target.ts";

/** What `loom serve` writes to `.loom/server.json`. */
export interface ServerFile {
  /** Base URL. */
  url: string;
  /** Process id of the server. */
  pid?: number;
  /** KV file it owns. */
  kvPath?: string;
  /** When it started (ISO 8601). */
  startedAt?: string;
}

/** Path of the file where `loom serve` says where it listens, relative to the working folder. */
export const SERVER_FILE = ".loom/server.json";

/**
 * Finds a running server from `.loom/server.json`: it must own the same KV file and answer
 * `GET /health` within the timeout.
 *
 * @param kvPath The KV file the command works on.
 * @param options Working folder and timeout.
 * @returns The server's URL, or `undefined`.
 */
export async function discoverServer(
  kvPath: string,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<string | undefined> {
  const cwd = options.cwd ?? Deno.cwd();
  let info: ServerFile;
  try {
    info = JSON.parse(await Deno.readTextFile(resolve(cwd, SERVER_FILE))) as ServerFile;
  } catch {
    return undefined;
  }
  if (typeof info?.url !== "string" || !/^https?:\/\//.test(info.url)) return undefined;
  if (typeof info.kvPath === "string" && resolve(cwd, info.kvPath) !== resolve(cwd, kvPath)) {
    return undefined;
  }
  const url = info.url.replace(/\/+$/, "");
  try {
    const res = await fetch(`${url}/health`, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 1000),
    });
    await res.body?.cancel();
    return res.ok ? url : undefined;
  } catch {
    return undefined;
  }
}

/** What a command prints when no process owns the KV file. */
export const QUEUED =
  "queued: no process owns the KV file; an owner (loom serve or loom worker) carries it out when it starts";

/** A client and how it reaches Loom. */
export interface OpenedClient extends AsyncDisposable {
  /** The client. */
  client: WorkflowClient;
  /** `http://...` or `inbox of <file>`, for messages. */
  via: string;
  /**
   * No process owns the KV file: what the client is asked is accepted durably and carried out
   * when an owner starts.
   */
  queued: boolean;
  /** Finds runs by id or prefix, where the client goes. */
  lookup: RunLookup;
  /** Releases the client. */
  close(): Promise<void>;
}

async function dispose(client: unknown): Promise<void> {
  const c = client as { close?: () => unknown; [Symbol.asyncDispose]?: () => unknown };
  if (typeof c[Symbol.asyncDispose] === "function") await c[Symbol.asyncDispose]?.();
  else if (typeof c.close === "function") await c.close();
}

/**
 * Opens a client: over HTTP when a server is known, else through the owner's inbox.
 *
 * @param target KV file, URL and token.
 * @param options Working folder (for `.loom/server.json`).
 * @returns The client; close it when done.
 * @throws {CliError} When there is no server and no KV file.
 */
export async function openClient(
  target: Target,
  options: { cwd?: string } = {},
): Promise<OpenedClient> {
  const url = target.url ?? await discoverServer(target.kvPath, options);
  let client: WorkflowClient;
  let via: string;
  let queued = false;
  let lookup: RunLookup;
  if (url !== undefined) {
    const remote = { url, ...(target.token === undefined ? {} : { token: target.token }) };
    client = await connectHttp(remote);
    via = url;
    lookup = httpRunLookup(remote);
  } else {
    if (isLocalFile(target.kvPath) && !(await exists(target.kvPath))) {
      throw noDatabase(target.kvPath);
    }
    const kvClient = await connectKv({ kvPath: target.kvPath, pollIntervalMs: 50 });
    client = kvClient;
    via = `inbox of ${target.kvPath}`;
    queued = !await kvClient.owned();
    lookup = readerRunLookup(kvClient.reader);
  }
  const close = () => dispose(client);
  return { client, via, queued, lookup, close, [Symbol.asyncDispose]: close };
}

/**
 * Looks runs up in a KV file.
 *
 * @param reader The file's reader.
 * @returns The lookup.
 */
export function readerRunLookup(reader: LoomReader): RunLookup {
  return {
    exists: async (id) => (await reader.run(id)) !== undefined,
    idsStartingWith: (prefix, limit) => reader.findRunIds(prefix, limit),
  };
}
