/**
 * A hook's index entry, found by the SHA-256 of its token.
 *
 * @module
 */

import { keys } from "../keys.ts";
import type { HookRecord } from "../records.ts";

/**
 * Reads the index entry of a hook.
 *
 * @param kv The KV handle.
 * @param tokenHash The SHA-256 of its token (hex).
 * @returns The entry, or `undefined` when no open (or recently expired) hook has that token.
 */
export async function getHook(kv: Deno.Kv, tokenHash: string): Promise<HookRecord | undefined> {
  const e = await kv.get<HookRecord>(keys.hook(tokenHash));
  return e.value ?? undefined;
}
