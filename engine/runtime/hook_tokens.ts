/**
 * Hook tokens, minted by the engine in the main isolate (never by workflow code, whose
 * `crypto.randomUUID()` and `Math.random()` are seeded and so predictable): 256 bits from
 * `crypto.getRandomValues`, as `hk_` and 43 base64url characters. The store indexes a hook by the
 * SHA-256 of its token only; the token is recorded in the run's history (`HOOK_CREATED`, so that
 * replay gives the code the same token) and appears nowhere else unless the code puts it there.
 * Reads of events for people (API, dashboard, CLI) show it redacted.
 *
 * @module
 */

import { HookExpiredError, HookNotFoundError, InvalidArgumentError } from "../errors.ts";
import { type JsonValue, toJson } from "../json.ts";
import { type EventPayloads, isoTime, type WorkflowEvent } from "../replay/events.ts";
import { getHook, type HookRecord } from "../../store/mod.ts";

/** Largest body a hook is called with: bytes of its JSON (UTF-8). */
export const MAX_HOOK_BODY_BYTES = 32_768;

/** What every token looks like (anything else is answered "not found" without a read). */
const TOKEN = /^hk_[A-Za-z0-9_-]{43}$/;

/**
 * Mints a token: `hk_` and 32 random bytes in base64url.
 *
 * @returns The token.
 */
export function mintHookToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const b64 = btoa(String.fromCharCode(...bytes));
  return `hk_${b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

/**
 * The SHA-256 of a token, hex: the key the store knows the hook by.
 *
 * @param token The token.
 * @returns 64 hex digits.
 */
export async function hashHookToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The public URL an engine option names now.
 *
 * @param option The `publicUrl` option: a URL, or a function asked each time.
 * @returns The URL, when known.
 */
export function publicUrlOf(
  option: string | (() => string | undefined) | undefined,
): string | undefined {
  return typeof option === "function" ? option() : option;
}

/**
 * The URL of a hook: `<base>/api/hooks/<token>`, or the path alone without a base.
 *
 * @param base The server's public URL (`--public-url`), if known.
 * @param token The token.
 * @returns The URL.
 */
export function hookUrl(base: string | undefined, token: string): string {
  const path = `/api/hooks/${token}`;
  return base === undefined || base === "" ? path : `${base.replace(/\/+$/, "")}${path}`;
}

/**
 * Mints a hook for a `ctx.createHook()` call: its token, and the `HOOK_CREATED` event that
 * delivers it to the run.
 *
 * @param seq Seq of the call.
 * @param timeoutMs Its timeout, when it has one.
 * @param base The public URL.
 * @param now The time (ms).
 * @returns The event.
 */
export async function mintHook(
  seq: number,
  timeoutMs: number | undefined,
  base: string | undefined,
  now: number,
): Promise<WorkflowEvent> {
  const token = mintHookToken();
  const payload: EventPayloads["HOOK_CREATED"] = {
    seq,
    token,
    token_hash: await hashHookToken(token),
    url: hookUrl(base, token),
    created_at: isoTime(now),
  };
  if (timeoutMs !== undefined) {
    payload.timeout_ms = timeoutMs;
    payload.expires_at_ms = now + timeoutMs;
    payload.expires_at = isoTime(now + timeoutMs);
  }
  return { type: "HOOK_CREATED", payload };
}

/**
 * Checks the body a hook is called with: JSON, at most {@linkcode MAX_HOOK_BODY_BYTES}.
 *
 * @param body The body (`undefined` is `null`).
 * @returns A JSON copy.
 * @throws {InvalidPayloadError} When it is not JSON.
 * @throws {InvalidArgumentError} When it is too large.
 */
export function hookBody(body: unknown): JsonValue {
  const copy = toJson(body === undefined ? null : body, "hook body");
  const bytes = new TextEncoder().encode(JSON.stringify(copy)).length;
  if (bytes > MAX_HOOK_BODY_BYTES) {
    throw new InvalidArgumentError(
      `The hook body is ${bytes} bytes of JSON, more than the limit of ${MAX_HOOK_BODY_BYTES}`,
    );
  }
  return copy;
}

/**
 * Finds the hook a token resumes, as of a moment.
 *
 * @param kv The KV handle.
 * @param token The token, or (`{ hash }`) its SHA-256.
 * @param at When the call was made (ms).
 * @returns The hook's index entry.
 * @throws {HookNotFoundError} When no open hook has the token.
 * @throws {HookExpiredError} When its timeout had passed at `at`.
 */
export async function findHook(
  kv: Deno.Kv,
  token: string | { hash: string },
  at: number,
): Promise<HookRecord> {
  if (typeof token === "string" && !TOKEN.test(token)) throw new HookNotFoundError();
  const hash = typeof token === "string" ? await hashHookToken(token) : token.hash;
  const hook = await getHook(kv, hash);
  if (hook === undefined) throw new HookNotFoundError();
  if (hook.expiresAt !== undefined && at >= hook.expiresAt) {
    throw new HookExpiredError(hook.expiresAt);
  }
  return hook;
}
