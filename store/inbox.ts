/**
 * The partitions' inboxes: the reads of the requests waiting for a partition's owner and of the
 * answers waiting for the process that asked, and the writes that answer a request.
 *
 * @module
 */

import type { Mutation } from "./commit.ts";
import { type Key, keys } from "./keys.ts";
import { patiently } from "./patient_commit.ts";
import type { InboxReply, InboxRequest } from "./records.ts";

/**
 * Reads a partition's waiting inbox requests, oldest first.
 *
 * @param kv The KV handle.
 * @param partition The partition.
 * @param limit How many.
 * @returns Requests with their keys.
 */
export async function readInbox(
  kv: Deno.Kv,
  partition: number,
  limit = 100,
): Promise<{ key: Key; request: InboxRequest }[]> {
  const out: { key: Key; request: InboxRequest }[] = [];
  const prefix = keys.inboxPrefix(partition);
  for await (const e of kv.list<InboxRequest>({ prefix }, { limit })) {
    out.push({ key: e.key, request: e.value });
  }
  return out;
}

/**
 * Reads the answer to an inbox request, and removes it once read.
 *
 * @param kv The KV handle.
 * @param id The request's id.
 * @returns The answer, or `undefined` when there is none yet.
 */
export async function takeReply(kv: Deno.Kv, id: string): Promise<InboxReply | undefined> {
  const e = await kv.get<InboxReply>(keys.inboxReply(id));
  if (e.value === null) return undefined;
  await patiently(() => kv.delete(keys.inboxReply(id)));
  return e.value;
}

/** How long an inbox answer waits to be read (ms). */
export const INBOX_REPLY_TTL_MS = 3_600_000;

/**
 * The writes that answer an inbox request: it leaves the inbox, and its answer is kept for
 * {@linkcode INBOX_REPLY_TTL_MS} for the process that asked.
 *
 * @param key The request's key.
 * @param id The request's id.
 * @param reply The answer.
 * @param at When it was answered (ms since the epoch).
 * @returns The two writes.
 */
export function inboxAnswer(key: Key, id: string, reply: InboxReply, at: number): Mutation[] {
  return [
    { kind: "delete", key },
    {
      kind: "set",
      key: keys.inboxReply(id),
      value: { ...reply, at },
      expireIn: INBOX_REPLY_TTL_MS,
    },
  ];
}
