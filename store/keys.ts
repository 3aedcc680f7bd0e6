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
  /**
   * Set once the run counters and throughput rollups of a file are complete (`counters.ts`):
   * until then, counts are read from the indexes.
   */
  countersReady: (): Key => ["meta", "counters"],
  /** Runs in a status: a `Deno.KvU64` kept by sums in the commits that change statuses. */
  statusCount: (status: string): Key => ["count", "status", status],
  statusCountPrefix: (): Key => ["count", "status"],
  /** Runs of a workflow name in a status. */
  nameCount: (name: string, status: string): Key => ["count", "name", name, status],
  nameCountPrefix: (name?: string): Key =>
    name === undefined ? ["count", "name"] : ["count", "name", name],
  /** Tasks in a status: open ones listed in running runs' records, finished ones in the log. */
  taskCount: (status: string): Key => ["count", "task", status],
  /** Events recorded. */
  eventCount: (): Key => ["count", "events"],
  /** Log entries of a level. */
  logCount: (level: string): Key => ["count", "logs", level],
  logCountPrefix: (): Key => ["count", "logs"],
  /**
   * Runs started (`started`) or ended (`completed`, ...), or ERROR log lines (`errors`), in a
   * minute (its start, ms).
   */
  minuteCount: (minute: number, kind: string): Key => ["count", "minute", minute, kind],
  minuteCountPrefix: (): Key => ["count", "minute"],
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
  /** A schedule's record. */
  schedule: (id: string): Key => ["sched", id],
  schedulePrefix: (): Key => ["sched"],
  /** A schedule's entry in its partition's next-fire index, at the time it is next due. */
  scheduleDue: (partition: number, at: number, id: string): Key => ["sched_due", partition, at, id],
  scheduleDuePrefix: (partition: number): Key => ["sched_due", partition],
  /** A workflow name some owner registered (what a client checks a schedule's workflow against). */
  workflowName: (name: string): Key => ["wf_name", name],
  workflowNamePrefix: (): Key => ["wf_name"],
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
