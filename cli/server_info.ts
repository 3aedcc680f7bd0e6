/**
 * `.loom/server.json`: how other commands on the same folder find the running `loom serve`.
 * Written next to the KV file (in its folder) when the server starts, removed when it stops.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";

/** What `.loom/server.json` holds. */
export interface ServerInfo {
  /** Base URL of the API. */
  url: string;
  /** Process id of the server. */
  pid: number;
  /** Absolute path of the KV file it owns. */
  kvPath: string;
  /** When it started (ISO 8601). */
  startedAt: string;
}

/**
 * Where the server file of a KV file lives.
 *
 * @param kvPath The KV file.
 * @returns The path of `server.json` beside it, or `undefined` for `:memory:` and remote KV.
 */
export function serverInfoPath(kvPath: string): string | undefined {
  if (kvPath === ":memory:" || /^[a-z]+:\/\//i.test(kvPath)) return undefined;
  return join(dirname(resolve(kvPath)), "server.json");
}

/**
 * Writes the server file.
 *
 * @param path Its path.
 * @param info What to write.
 */
export async function writeServerInfo(path: string, info: ServerInfo): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${info.pid}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(info, null, 2) + "\n");
  await Deno.rename(tmp, path);
}

/**
 * Reads the server file.
 *
 * @param path Its path.
 * @returns What it holds, or `undefined` when it is missing or unreadable.
 */
export async function readServerInfo(path: string): Promise<ServerInfo | undefined> {
  try {
    const value = JSON.parse(await Deno.readTextFile(path)) as ServerInfo;
    return typeof value.url === "string" && typeof value.pid === "number" ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the server file, if it is still this process's.
 *
 * @param path Its path.
 * @param pid This process's id.
 */
export async function removeServerInfo(path: string, pid: number): Promise<void> {
  const info = await readServerInfo(path);
  if (info !== undefined && info.pid !== pid) return;
  await Deno.remove(path).catch(() => {});
}
