/**
 * The HTTP side of {@linkcode openClient}: a client of a Loom server, through `connect()` of
 * `web/client.ts`.
 *
 * @module
 */

import type { WorkflowClient } from "../engine/mod.ts";
import { connect } from "../web/client.ts";
import { CliError } from "./errors.ts";
import type { RunLookup } from "./run_id.ts";

/** Where the server is, and how to authenticate. */
export interface RemoteOptions {
  /** Base URL of the server (`http://127.0.0.1:8000`). */
  url: string;
  /** Bearer token, when the server needs one. */
  token?: string;
}

/**
 * Connects to a Loom server over HTTP, after checking that it answers `/health`.
 *
 * @param options URL and token.
 * @returns A client.
 * @throws {CliError} When the server does not answer.
 */
export async function connectHttp(options: RemoteOptions): Promise<WorkflowClient> {
  const base = options.url.replace(/\/+$/, "");
  try {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`/health answered ${res.status}`);
  } catch (e) {
    throw new CliError(
      `Cannot reach the Loom server at "${options.url}": ${(e as Error).message}`,
    );
  }
  return connect(
    options.token === undefined ? { url: base } : { url: base, token: options.token },
  );
}

/**
 * Looks runs up through a server's API (`GET /api/workflows/{id}`, and `?id_prefix=`).
 *
 * @param options URL and token.
 * @returns The lookup.
 */
export function httpRunLookup(options: RemoteOptions): RunLookup {
  const base = options.url.replace(/\/+$/, "");
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const get = async (path: string): Promise<Response> => {
    const res = await fetch(`${base}${path}`, { headers });
    if (!res.ok && res.status !== 404) {
      const text = await res.text();
      throw new CliError(`The Loom server at "${options.url}" answered ${res.status}: ${text}`);
    }
    return res;
  };
  return {
    async exists(id) {
      const res = await get(`/api/workflows/${encodeURIComponent(id)}`);
      await res.body?.cancel();
      return res.ok;
    },
    async idsStartingWith(prefix, limit) {
      const query = new URLSearchParams({ id_prefix: prefix, per_page: String(limit) });
      const res = await get(`/api/workflows?${query}`);
      if (!res.ok) return [];
      const page = await res.json() as { data: { id: string }[] };
      return page.data.map((run) => run.id);
    },
  };
}
