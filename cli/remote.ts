/**
 * The HTTP side of {@linkcode openClient}: a client of a Loom server. This is the one place
 * that knows the HTTP client; it is `connect()` of `web/client.ts` where that module exists.
 *
 * @module
 */

import type { WorkflowClient } from "../engine/mod.ts";
import { CliError } from "./errors.ts";

/** Where the server is, and how to authenticate. */
export interface RemoteOptions {
  /** Base URL of the server (`http://127.0.0.1:8000`). */
  url: string;
  /** Bearer token, when the server needs one. */
  token?: string;
}

/**
 * Connects to a Loom server over HTTP.
 *
 * @param options URL and token.
 * @returns A client (close it, when it can be closed, once done).
 * @throws {CliError} In a build without the HTTP client (`web/client.ts`).
 */
export function connectHttp(options: RemoteOptions): Promise<WorkflowClient> {
  return Promise.reject(
    new CliError(
      `Cannot reach the Loom server at "${options.url}": this build has no HTTP client (web/client.ts); unset --url and LOOM_URL to go through the owner's inbox`,
    ),
  );
}
