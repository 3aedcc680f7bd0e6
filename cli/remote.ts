/**
 * The HTTP side of {@linkcode openClient}: a client of a Loom server, through `connect()` of
 * `web/client.ts`.
 *
 * @module
 */

import type { WorkflowClient } from "../engine/mod.ts";
import { connect } from "../web/client.ts";
import { CliError } from "./errors.ts";

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
