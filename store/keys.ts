/**
 * Every KV key Loom writes, built in one place.
 *
 * @module
 */

/** A KV key. */
export type Key = Deno.KvKey;

/** Key builders. */
export const keys = {
  schemaVersion: (): Key => ["meta", "schema_version"],
  probe: (): Key => ["meta", "probe"],
  partitions: (): Key => ["meta", "partitions"],
  /** The highest event and log ids any process reserved (`id_blocks.ts`). */
  idCounter: (): Key => ["meta", "ids"],
  member: (ownerId: string): Key => ["member", ownerId],
  memberPrefix: (): Key => ["member"],
  lease: (partition: number): Key => ["owner", partition],
  epoch: (partition: number): Key => ["owner_epoch", partition],
  workflow: (id: string): Key => ["wf", id],
  history: (id: string, r: number): Key => ["h", id, r],
  historyPrefix: (id: string): Key => ["h", id],
  /** Chunk `i` of a large value, keyed by the write id its reference names. */
  blob: (id: string, writeId: string, i: number): Key => ["blob", id, writeId, i],
  blobPrefix: (id: string, writeId?: string): Key =>
    writeId === undefined ? ["blob", id] : ["blob", id, writeId],
  /**
   * A chunk write whose reference has not landed yet: set with its first chunks, deleted in the
   * atomic operation that writes the reference. One left over names orphaned chunks.
   */
  pendingBlob: (id: string, writeId: string): Key => ["blob_pending", id, writeId],
  pendingBlobPrefix: (): Key => ["blob_pending"],
  eventIndex: (firstEventId: number): Key => ["g", firstEventId],
  eventIndexPrefix: (): Key => ["g"],
  byStatus: (status: string, createdAt: number, id: string): Key => [
    "i",
    "status",
    status,
    createdAt,
    id,
  ],
  byStatusPrefix: (status: string): Key => ["i", "status", status],
  byName: (name: string, createdAt: number, id: string): Key => ["i", "name", name, createdAt, id],
  byNamePrefix: (name: string): Key => ["i", "name", name],
  byTime: (createdAt: number, id: string): Key => ["i", "time", createdAt, id],
  byTimePrefix: (): Key => ["i", "time"],
  taskLog: (firstEventId: number, part: number): Key => ["tl", firstEventId, part],
  taskLogPrefix: (): Key => ["tl"],
  log: (id: number): Key => ["log", id],
  logPrefix: (): Key => ["log"],
  logOfWorkflow: (workflowId: string, id: number): Key => ["logw", workflowId, id],
  logOfWorkflowPrefix: (workflowId: string): Key => ["logw", workflowId],
  timer: (dueAt: number, workflowId: string, seq: number): Key => ["timer", dueAt, workflowId, seq],
  timerPrefix: (): Key => ["timer"],
  /** A request to the owner of a run's partition (schema 3; schema 2 had no partition). */
  inbox: (partition: number, createdAt: number, id: string): Key => [
    "inbox",
    partition,
    createdAt,
    id,
  ],
  inboxPrefix: (partition?: number): Key =>
    partition === undefined ? ["inbox"] : ["inbox", partition],
  /** A run started outside its partition's owner, not yet started by it. */
  pending: (partition: number, createdAt: number, id: string): Key => [
    "pending",
    partition,
    createdAt,
    id,
  ],
  pendingPrefix: (partition?: number): Key =>
    partition === undefined ? ["pending"] : ["pending", partition],
  inboxReply: (id: string): Key => ["inbox_reply", id],
  /**
   * Where the values of a run's stream that one history entry holds begin: the entry's values
   * of the stream are `first`, `first + 1`, ... (they are read from the entry).
   */
  stream: (workflowId: string, name: string, first: number): Key => [
    "stream",
    workflowId,
    name,
    first,
  ],
  streamPrefix: (workflowId: string, name: string): Key => ["stream", workflowId, name],
  /** A hook, by the SHA-256 of its token (hex): the token itself is never a key. */
  hook: (tokenHash: string): Key => ["hook", tokenHash],
  hookPrefix: (): Key => ["hook"],
};

/**
 * Estimates the encoded size of a key in bytes (an upper bound).
 *
 * @param key A key.
 * @returns Bytes.
 */
export function keySize(key: Key): number {
  let n = 0;
  for (const part of key) {
    if (typeof part === "string") n += part.length * 3 + 2;
    else if (part instanceof Uint8Array) n += part.length * 2 + 2;
    else n += 10;
  }
  return n;
}
