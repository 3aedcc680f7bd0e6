/**
 * Without a token, the Deno Deploy entry answers only callers on this machine: `deno serve` binds
 * every interface (`0.0.0.0`) unless told otherwise, and on Deploy every caller is remote, so an
 * entry without `LOOM_TOKEN` must not hand its API to the network. The caller's address is the
 * `remoteAddr` that `deno serve` passes a default export's `fetch` as its second argument.
 * `/health` stays open, as it does with a token.
 *
 * @module
 */

import { HttpErrorCode, isLoopback, OPEN_PATHS } from "../api/mod.ts";

/** What `deno serve` tells a handler about the connection (`Deno.ServeHandlerInfo`). */
export interface RemoteInfo {
  /** The caller's address: TCP (`hostname`), Unix socket (`path`), or another transport. */
  readonly remoteAddr?: object;
}

/**
 * The refusal of a request from a caller that is not on this machine, while no token is set.
 *
 * @param request The request.
 * @param info The connection, as `deno serve` gives it.
 * @param token The token, when one is set (then everyone may call, with it).
 * @returns A 403 `FORBIDDEN` answer, or `undefined` when the request may go on.
 * @example
 * ```ts
 * import { refuseRemote } from "./loopback_guard.ts";
 * const req = new Request("http://example.com/api/workflows");
 * const remote = { remoteAddr: { hostname: "203.0.113.7" } };
 * console.assert(refuseRemote(req, remote, undefined)?.status === 403);
 * console.assert(refuseRemote(req, { remoteAddr: { hostname: "127.0.0.1" } }, undefined) === undefined);
 * ```
 */
export function refuseRemote(
  request: Request,
  info: RemoteInfo | undefined,
  token: string | undefined,
): Response | undefined {
  if (token !== undefined) return undefined;
  const addr = info?.remoteAddr as { hostname?: unknown; transport?: unknown } | undefined;
  // A Unix socket is this machine's; a caller whose address is not known is not.
  if (addr?.transport === "unix" || addr?.transport === "unixpacket") return undefined;
  const host = typeof addr?.hostname === "string" ? addr.hostname : undefined;
  if (host !== undefined && isLoopback(host)) return undefined;
  if (OPEN_PATHS.has(new URL(request.url).pathname)) return undefined;
  const who = host === undefined ? "an unknown address" : `"${host}"`;
  return Response.json({
    code: HttpErrorCode.Forbidden,
    message:
      `This Loom server has no token, so it answers only callers on this machine, not ${who}: set LOOM_TOKEN to serve others (they then send "Authorization: Bearer <token>")`,
  }, { status: 403 });
}
