/**
 * Bearer-token auth. With a token set, every route but `/health` needs it: in the
 * `Authorization: Bearer` header, or (for `EventSource` and browsers, which cannot set headers)
 * in a `token` query parameter or the `loom_token` cookie. A valid query token also sets the
 * cookie, so that a page opened as `/docs?token=...` can load its assets and call the API.
 * Tokens are compared in constant time.
 *
 * @module
 */

import { getCookie, type MiddlewareHandler, setCookie } from "../_deps.ts";
import { HttpErrorCode } from "./errors.ts";

/** Name of the cookie that carries the token. */
export const TOKEN_COOKIE = "loom_token";

/** Paths open without a token. */
export const OPEN_PATHS: ReadonlySet<string> = new Set(["/health", "/health/"]);

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * Compares two secrets in constant time (their SHA-256 digests, byte by byte, to the end).
 *
 * @param given What the client sent.
 * @param expected The token.
 * @returns `true` when they are equal.
 */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * Tells whether a host name or address is this machine only (so that serving it without a
 * token exposes nothing).
 *
 * @param host Host name or address.
 * @returns `true` for `localhost`, `127.0.0.0/8` and `::1`.
 */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) ||
    h === "::ffff:127.0.0.1";
}

/**
 * The middleware that checks the token.
 *
 * @param token The token.
 * @returns A middleware that answers 401 `UNAUTHORIZED` without a valid token.
 */
export function tokenAuth(token: string): MiddlewareHandler {
  return async (c, next) => {
    if (OPEN_PATHS.has(c.req.path)) return await next();
    const header = c.req.header("authorization");
    const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    const query = c.req.query("token");
    const cookie = getCookie(c, TOKEN_COOKIE);
    const given = bearer ?? query ?? cookie;
    if (given === undefined || !(await sameSecret(given, token))) {
      return c.json(
        {
          code: HttpErrorCode.Unauthorized,
          message: given === undefined
            ? 'Missing token: send "Authorization: Bearer <token>" (or ?token=<token> for EventSource)'
            : "Wrong token",
        },
        401,
        { "WWW-Authenticate": 'Bearer realm="loom"' },
      );
    }
    if (bearer === undefined && query !== undefined && cookie !== query) {
      setCookie(c, TOKEN_COOKIE, query, {
        httpOnly: true,
        sameSite: "Strict",
        path: "/",
      });
    }
    await next();
  };
}
