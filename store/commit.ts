/**
 * Turns transitions into KV mutations and packs them into as few `kv.atomic()` operations as
 * KV's limits allow (1,000 mutations, 800 KiB in all, 80 KiB of keys, 100 checks). Each
 * transition lands whole in one atomic operation, together with the owner's fence check.
 *
 * Per transition: its history entries and the run's record (which also holds the run's open
 * tasks). Per atomic operation, shared by all its transitions: one event-index key listing the
 * history entries it carries, one task-log key listing the tasks that finished in it, and one
 * `sum` per counter that its starts and status changes add to (`counters.ts`). So a step of a
 * workflow costs two writes, however many workflows share the operation.
 *
 * A value too large for one KV value is chunked under a write id of its own. Its chunks land in
 * the transition's operation when they fit; otherwise in operations of their own before it,
 * the first of which also sets a pending-blob key that the transition's operation deletes. A
 * pending-blob key left over therefore names chunks that no record references (their
 * transition never landed); recovery removes them.
 *
 * @module
 */

import {
  type ChunkedValue,
  encodeText,
  encodeValue,
  INLINE_LIMIT,
  jsonSize,
  RECORD_INLINE_LIMIT,
  valueSize,
} from "./chunks.ts";
import { chunkWrites } from "./blob_writes.ts";
import { inboxAnswer } from "./inbox.ts";
import { type CounterSum, counterSums, mergeSums, openTaskCounts } from "./counters.ts";
import { type Key, keys, keySize } from "./keys.ts";
import type {
  EventIndexEntry,
  HistoryRecord,
  HookRecord,
  LogRecord,
  StoredValue,
  StreamIndexEntry,
  TaskRecord,
  WorkflowRecord,
} from "./records.ts";

/** Everything one workflow transition writes. */
export interface Transition {
  /** The run. */
  workflowId: string;
  /**
   * New value of the run's record. On creation, its `input` should hold the stored reference
   * of the input (see {@linkcode inputReference}): a chunked one is kept, and the input's chunks
   * are written under the write id it names; `pack` does not modify the record, and stores a
   * copy whose `input` (on creation, when not chunked) and `result` (at the end) are made from
   * the fields below.
   */
  record: WorkflowRecord;
  /** The run is new: write its indexes and input. */
  created?: boolean;
  /**
   * The run's record was written by a start outside the owner (`createRun`): this is its first
   * transition, which removes its pending-start marker.
   */
  clearPending?: boolean;
  /** The input of a new run. */
  input?: unknown;
  /** The final state of a run that ended. */
  result?: unknown;
  /** Status before this transition, when it changed. */
  previousStatus?: string;
  /**
   * The open tasks the run's previous record listed, by status (`openTaskCounts`), for the task
   * counters; none for a new run.
   */
  openTasksBefore?: Record<string, number>;
  /** New history entries (numbered). */
  history: HistoryRecord[];
  /** Tasks that finished (they leave the record's open tasks for the task log). */
  finishedTasks: TaskRecord[];
  /** Log entries. */
  logs: LogRecord[];
  /** Timer index keys to add (`[dueAt, seq]`). */
  timersSet: [number, number][];
  /** Timer index keys to remove. */
  timersDelete: [number, number][];
  /** Queue messages (the wake-up service's outbox). */
  enqueue: { value: unknown; delay: number }[];
  /** Where its history entries hold values of the run's streams. */
  streams?: StreamIndexEntry[];
  /** Hooks created: their index entries. */
  hooksSet?: HookRecord[];
  /** Hooks called or closed: the token hashes whose index entries go. */
  hooksDelete?: string[];
  /**
   * Inbox requests this transition carries out (a signal, a cancel, a hook call from another
   * process): each is removed and answered `{ ok: true }` in the same atomic operation, so that
   * a crash after the commit cannot carry it out twice.
   */
  answers?: InboxAnswer[];
}

/** An inbox request that a transition answers (`Transition.answers`). */
export interface InboxAnswer {
  /** The request's key in its partition's inbox. */
  key: Key;
  /** The request's id (its answer's key). */
  id: string;
}

/** How long the index entry of a hook whose timeout passed is kept (to answer "expired"). */
export const EXPIRED_HOOK_RETENTION_MS = 7 * 24 * 3_600_000;

/** One KV write. */
export type Mutation =
  | { kind: "set"; key: Key; value: unknown; expireIn?: number }
  | { kind: "delete"; key: Key }
  /** Adds `n` (mod 2^64) to a `Deno.KvU64` counter. */
  | { kind: "sum"; key: Key; n: bigint }
  | { kind: "enqueue"; value: unknown; delay: number };

/** A transition's writes with their sizes. */
export interface Packed {
  /** The run. */
  workflowId: string;
  /** The run's record as stored: the transition's record with its input and result references. */
  record: WorkflowRecord;
  /** Writes that must land in the same atomic operation. */
  main: Mutation[];
  /** Chunked values: in the same operation when they fit, else in operations before it. */
  blobs: ChunkedValue[];
  /** Estimated bytes of `main`. */
  bytes: number;
  /** Estimated key bytes of `main`. */
  keyBytes: number;
  /** Its history entries, for the operation's event index. */
  entries: EventIndexEntry[];
  /** Its finished tasks, for the operation's task log. */
  finished: TaskRecord[];
  /** Its additions to the run counters, merged per operation. */
  sums: CounterSum[];
}

/** Budget of one atomic operation, kept below KV's limits to leave room for estimates. */
export const ATOMIC_BUDGET = { mutations: 900, bytes: 700_000, keyBytes: 70_000 } as const;

/** Entries per event-index key, and tasks per task-log key (each key stays far below 64 KiB). */
const INDEX_PER_KEY = 300;
const TASKS_PER_KEY = 60;
const ENTRY_BYTES = 120;
const TASK_BYTES = 900;
const SUM_BYTES = 60;

function sizeOf(m: Mutation): [bytes: number, keyBytes: number] {
  if (m.kind === "enqueue") return [valueSize(m.value) + 32, 0];
  const k = keySize(m.key);
  if (m.kind === "delete") return [k, k];
  if (m.kind === "sum") return [k + 16, k];
  const v = m.value instanceof Uint8Array ? m.value.length + 16 : valueSize(m.value);
  return [k + v, k];
}

/**
 * The reference a run's record holds for its input: the input itself when it is small, otherwise
 * the write id under which {@linkcode pack} writes its chunks when the run is created.
 *
 * @param workflowId The run.
 * @param input Its input.
 * @param writeId Gives a new write id (called only when the input is chunked).
 * @returns The stored reference.
 */
export function inputReference(
  workflowId: string,
  input: unknown,
  writeId: () => string,
): StoredValue {
  return encodeValue(input ?? null, workflowId, writeId, RECORD_INLINE_LIMIT).stored;
}

/**
 * Lists the writes of a transition. Pure but for the write ids it asks for: the transition (and
 * its record) is left as it was.
 *
 * @param t The transition.
 * @param writeId Gives a new write id for each value that is chunked (the input's is the one
 * its record's reference names).
 * @returns The record as stored, main writes, chunked values, sizes, and what goes to the
 * shared keys.
 * @throws {Error} When a new run's input reference does not match its input.
 */
export function pack(t: Transition, writeId: () => string): Packed {
  const main: Mutation[] = [];
  const blobs: ChunkedValue[] = [];
  const record: WorkflowRecord = { ...t.record };
  const id = t.workflowId;
  if (t.created) {
    const ref = record.input;
    if ("blob" in ref) {
      // Chunked under the write id the record names, so that the engine's copy of the record
      // (made with inputReference) and the stored one agree.
      const input = encodeText(JSON.stringify(t.input ?? null), id, ref.blob);
      if (input.blob === undefined || !sameRef(input.stored, ref)) {
        throw new Error(`The input reference of workflow "${id}" does not match its input`);
      }
      blobs.push(input.blob);
    } else {
      const input = encodeValue(t.input ?? null, id, writeId, RECORD_INLINE_LIMIT);
      record.input = input.stored;
      if (input.blob !== undefined) blobs.push(input.blob);
    }
    main.push(
      { kind: "set", key: keys.byName(record.name, record.createdAt, id), value: null },
      { kind: "set", key: keys.byTime(record.createdAt, id), value: null },
    );
  }
  if (t.result !== undefined) {
    const result = encodeValue(t.result ?? null, id, writeId, RECORD_INLINE_LIMIT);
    record.result = result.stored;
    if (result.blob !== undefined) blobs.push(result.blob);
  }
  if (t.created || t.previousStatus !== undefined) {
    if (t.previousStatus !== undefined) {
      main.push({
        kind: "delete",
        key: keys.byStatus(t.previousStatus, record.createdAt, id),
      });
    }
    main.push({
      kind: "set",
      key: keys.byStatus(record.status, record.createdAt, id),
      value: null,
    });
  }
  main.push({ kind: "set", key: keys.workflow(id), value: record });
  if (t.clearPending) {
    main.push({ kind: "delete", key: keys.pending(record.partition, record.createdAt, id) });
  }
  const entries: EventIndexEntry[] = [];
  for (const h of t.history) {
    // Events are stored as JSON text: cheaper to write than a structured value, and its size is
    // known exactly.
    const json = JSON.stringify(h.events);
    const head = { r: h.r, kind: h.kind, time: h.time, firstEventId: h.firstEventId };
    let value: unknown;
    if (jsonSize(json) > INLINE_LIMIT) {
      const enc = encodeText(json, id, writeId());
      if (enc.blob !== undefined) blobs.push(enc.blob);
      value = { ...head, blob: enc.stored };
    } else {
      value = { ...head, json };
    }
    main.push({ kind: "set", key: keys.history(id, h.r), value });
    if (h.events.length > 0) entries.push([id, h.r, h.firstEventId, h.events.length]);
  }
  for (const log of t.logs) {
    main.push(
      { kind: "set", key: keys.log(log.id), value: log },
      { kind: "set", key: keys.logOfWorkflow(id, log.id), value: log },
    );
  }
  for (const [due, seq] of t.timersSet) {
    main.push({ kind: "set", key: keys.timer(due, id, seq), value: null });
  }
  for (const [due, seq] of t.timersDelete) {
    main.push({ kind: "delete", key: keys.timer(due, id, seq) });
  }
  for (const e of t.enqueue) main.push({ kind: "enqueue", value: e.value, delay: e.delay });
  const sums = counterSums({
    created: t.created === true,
    previousStatus: t.previousStatus,
    status: record.status,
    name: record.name,
    createdAt: record.createdAt,
    at: record.completedAt ?? record.updatedAt,
    openBefore: t.openTasksBefore,
    openAfter: openTaskCounts(record),
    finished: t.finishedTasks,
    events: entries.reduce((n, e) => n + e[3], 0),
    logs: t.logs,
  });
  for (const s of t.streams ?? []) {
    main.push({
      kind: "set",
      key: keys.stream(id, s.name, s.first),
      value: { r: s.r, count: s.count, time: s.time },
    });
  }
  for (const h of t.hooksSet ?? []) {
    const set: Mutation = { kind: "set", key: keys.hook(h.tokenHash), value: h };
    if (h.expiresAt !== undefined) {
      set.expireIn = Math.max(0, h.expiresAt - h.createdAt) + EXPIRED_HOOK_RETENTION_MS;
    }
    main.push(set);
  }
  for (const hash of t.hooksDelete ?? []) main.push({ kind: "delete", key: keys.hook(hash) });
  for (const a of t.answers ?? []) {
    main.push(...inboxAnswer(a.key, a.id, { ok: true }, record.updatedAt));
  }
  let bytes = 0;
  let keyBytes = 0;
  for (const m of main) {
    const [b, k] = sizeOf(m);
    bytes += b;
    keyBytes += k;
  }
  return {
    workflowId: id,
    record,
    main,
    blobs,
    bytes,
    keyBytes,
    entries,
    finished: t.finishedTasks,
    sums,
  };
}

function sameRef(a: StoredValue, b: StoredValue): boolean {
  return "blob" in a && "blob" in b && a.blob === b.blob && a.chunks === b.chunks &&
    a.bytes === b.bytes;
}

/** Mutations grouped into atomic operations. */
export interface Plan {
  /**
   * Operations to commit first: chunks of large values (not referenced until `ops` land), each
   * value's first operation with its pending-blob key.
   */
  chunkOps: Mutation[][];
  /** Indexes of the transitions whose chunks are in `chunkOps`. */
  separate: number[];
  /** Operations that carry the transitions. */
  ops: Mutation[][];
  /** Indexes of the transitions in each operation. */
  members: number[][];
}

function fill(list: Mutation[], into: Mutation[][]): void {
  let op: Mutation[] = [];
  let bytes = 0;
  let keyBytes = 0;
  for (const m of list) {
    const [b, k] = sizeOf(m);
    if (
      op.length > 0 &&
      (op.length + 1 > ATOMIC_BUDGET.mutations || bytes + b > ATOMIC_BUDGET.bytes ||
        keyBytes + k > ATOMIC_BUDGET.keyBytes)
    ) {
      into.push(op);
      op = [];
      bytes = 0;
      keyBytes = 0;
    }
    op.push(m);
    bytes += b;
    keyBytes += k;
  }
  if (op.length > 0) into.push(op);
}

/** Writes of the keys an operation shares: its event index, its task log and its counters. */
function shared(
  entries: EventIndexEntry[],
  finished: TaskRecord[],
  sums: CounterSum[],
): Mutation[] {
  const out: Mutation[] = mergeSums(sums).map((s) => ({ kind: "sum", key: s.key, n: s.n }));
  for (let i = 0; i < entries.length; i += INDEX_PER_KEY) {
    const part = entries.slice(i, i + INDEX_PER_KEY);
    out.push({ kind: "set", key: keys.eventIndex((part[0] as EventIndexEntry)[2]), value: part });
  }
  if (finished.length > 0) {
    const first = (entries[0] as EventIndexEntry | undefined)?.[2];
    if (first === undefined) throw new Error("Finished tasks must come with events");
    for (let i = 0; i < finished.length; i += TASKS_PER_KEY) {
      out.push({
        kind: "set",
        key: keys.taskLog(first, i / TASKS_PER_KEY),
        value: finished.slice(i, i + TASKS_PER_KEY),
      });
    }
  }
  return out;
}

/**
 * Packs transitions into atomic operations, in order, within {@linkcode ATOMIC_BUDGET}; each
 * operation gets its shared event-index and task-log keys.
 *
 * @param packed The transitions' writes, in commit order.
 * @returns The plan.
 */
export function plan(packed: Packed[]): Plan {
  const result: Plan = { chunkOps: [], separate: [], ops: [], members: [] };
  let op: Mutation[] = [];
  let members: number[] = [];
  let entries: EventIndexEntry[] = [];
  let finished: TaskRecord[] = [];
  let sums: CounterSum[] = [];
  let sumKeys = new Set<string>();
  let bytes = 0;
  let keyBytes = 0;
  const flush = () => {
    if (op.length === 0) return;
    op.push(...shared(entries, finished, sums));
    result.ops.push(op);
    result.members.push(members);
    op = [];
    members = [];
    entries = [];
    finished = [];
    sums = [];
    sumKeys = new Set();
    bytes = 0;
    keyBytes = 0;
  };
  const extra = (e: number, f: number) =>
    Math.ceil(e / INDEX_PER_KEY) + Math.ceil(f / TASKS_PER_KEY);
  packed.forEach((p, i) => {
    let main = p.main;
    // The counters it adds to that no earlier transition of the operation did.
    const ids = new Set(p.sums.map((s) => JSON.stringify(s.key)));
    const fresh = [...ids].filter((id) => !sumKeys.has(id)).length;
    let b = p.bytes + p.entries.length * ENTRY_BYTES + p.finished.length * TASK_BYTES +
      fresh * SUM_BYTES;
    let k = p.keyBytes + fresh * SUM_BYTES;
    if (p.blobs.length > 0) {
      const id = p.workflowId;
      const inlined = chunkWrites(id, p.blobs, false);
      const chunkBytes = inlined.reduce((n, m) => n + sizeOf(m)[0], 0);
      if (chunkBytes + p.bytes <= ATOMIC_BUDGET.bytes / 2) {
        main = [...inlined, ...p.main];
        b += chunkBytes;
        k += inlined.reduce((n, m) => n + sizeOf(m)[1], 0);
      } else {
        fill(chunkWrites(id, p.blobs, true), result.chunkOps);
        result.separate.push(i);
        const done = p.blobs.map((blob): Mutation => ({
          kind: "delete",
          key: keys.pendingBlob(id, blob.writeId),
        }));
        main = [...done, ...p.main];
        for (const m of done) {
          b += sizeOf(m)[0];
          k += sizeOf(m)[1];
        }
      }
    }
    const e = entries.length + p.entries.length;
    const f = finished.length + p.finished.length;
    if (
      op.length + main.length + extra(e, f) + sumKeys.size + fresh > ATOMIC_BUDGET.mutations ||
      bytes + b > ATOMIC_BUDGET.bytes || keyBytes + k + extra(e, f) * 40 >
        ATOMIC_BUDGET.keyBytes
    ) {
      flush();
      // In an operation of its own now: all its counters are new to it.
      b += (ids.size - fresh) * SUM_BYTES;
      k += (ids.size - fresh) * SUM_BYTES;
    }
    op.push(...main);
    members.push(i);
    entries.push(...p.entries);
    finished.push(...p.finished);
    sums.push(...p.sums);
    for (const id of ids) sumKeys.add(id);
    bytes += b;
    keyBytes += k;
  });
  flush();
  return result;
}

/**
 * Adds mutations to an atomic operation.
 *
 * @param atomic The operation.
 * @param mutations Writes.
 */
export function apply(atomic: Deno.AtomicOperation, mutations: Mutation[]): void {
  for (const m of mutations) {
    if (m.kind === "set") {
      atomic.set(m.key, m.value, m.expireIn === undefined ? undefined : { expireIn: m.expireIn });
    } else if (m.kind === "delete") atomic.delete(m.key);
    else if (m.kind === "sum") atomic.sum(m.key, m.n);
    else atomic.enqueue(m.value, { delay: m.delay });
  }
}
