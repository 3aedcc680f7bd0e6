/**
 * Hook tokens kept out of what people read: a `HOOK_CREATED` event, read through the API, the
 * dashboard, the CLI or the live feed, shows its token and URL redacted (the token's SHA-256
 * still names the hook). Replay reads the history as it is stored.
 *
 * @module
 */

/** What a redacted token reads as. */
export const REDACTED = "(redacted)";

/**
 * An event's payload as people may read it.
 *
 * @param type The event type.
 * @param payload The payload as stored.
 * @returns The payload, with a hook's token and URL redacted.
 * @example
 * ```ts
 * import { publicPayload, REDACTED } from "./redact.ts";
 *
 * const shown = publicPayload("HOOK_CREATED", { seq: 1, token: "hk_x", url: "/api/hooks/hk_x" });
 * console.assert((shown as { token: string }).token === REDACTED);
 * ```
 */
export function publicPayload(type: string, payload: unknown): unknown {
  if (type !== "HOOK_CREATED" || typeof payload !== "object" || payload === null) return payload;
  const p = payload as Record<string, unknown>;
  const token = typeof p.token === "string" ? p.token : "";
  const url = typeof p.url === "string" && token !== "" ? p.url.split(token).join(REDACTED) : p.url;
  return { ...p, token: REDACTED, url };
}

/**
 * An event as people may read it (see {@linkcode publicPayload}).
 *
 * @param event An event with a `type` and a `payload`.
 * @returns The same event, or a copy with its hook token redacted.
 */
export function publicEvent<E extends { type: string; payload: unknown }>(event: E): E {
  if (event.type !== "HOOK_CREATED") return event;
  return { ...event, payload: publicPayload(event.type, event.payload) };
}
