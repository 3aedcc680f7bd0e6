/**
 * Counters and rollups kept at commit time: the atomic operation that creates a run, changes
 * its status, opens or finishes tasks, records events or writes log lines also adds to the
 * counts they change: runs by status and by workflow name and status, tasks by status, events,
 * log lines by level, and per minute the runs started and ended and the ERROR lines. The
 * additions are KV `sum` mutations: no read and no check, so the owners of different
 * partitions (and starts written outside any owner) add to the same keys concurrently without
 * conflicts. A decrement is a sum of 2^64 − 1, which wraps around.
 *
 * A file written before the counters existed has none: `counters_rebuild.ts` builds them once
 * and sets the `countersReady` key; until then readers count from the indexes.
 *
 * @module
 */

import type { Mutation } from "./commit.ts";
import { type Key, keys } from "./keys.ts";
import type { TaskRecord } from "./records.ts";
import { commitPatiently } from "./patient_commit.ts";

/** What a minute's rollup counts. */
export const ROLLUP_KINDS = ["started", "completed", "failed", "cancelled", "errors"] as const;

/** A kind of {@linkcode ROLLUP_KINDS}. */
export type RollupKind = typeof ROLLUP_KINDS[number];

/** The longest throughput window readers ask for: whole minutes before the current one. */
export const THROUGHPUT_MAX_MINUTES = 60;

/** How long minute rollups are kept (pruned by the owner). */
export const ROLLUP_RETENTION_MS = 24 * 3_600_000;

/** Adding this to a `Deno.KvU64` takes one off (mod 2^64). */
export const MINUS_ONE = (1n << 64n) - 1n;

/** Statuses of open tasks (listed in their running run's record). */
const OPEN = ["PENDING", "RUNNING"];

const ENDS: Record<string, RollupKind> = {
  COMPLETED: "completed",
  FAILED: "failed",
  CANCELLED: "cancelled",
};

/** One `sum` mutation. */
export interface CounterSum {
  /** The counter. */
  key: Key;
  /** What to add (mod 2^64). */
  n: bigint;
}

/** What one transition (or start) changes, as far as the counters go. */
export interface CountedChange {
  /** The run is new (its record is written now). */
  created: boolean;
  /** Its status before, when this changes it. */
  previousStatus?: string | undefined;
  /** Its status after. */
  status: string;
  /** Its workflow name. */
  name: string;
  /** When the run started (ms): the minute of its `started` rollup. */
  createdAt: number;
  /** When the change happened (ms): the minute of its end's rollup. */
  at: number;
  /** Open tasks listed in its record before, by status (`openTaskCounts`; none when new). */
  openBefore?: Record<string, number> | undefined;
  /** Open tasks listed in its record after, by status. */
  openAfter?: Record<string, number>;
  /** Tasks that finished (they go to the task log). */
  finished?: readonly Pick<TaskRecord, "status">[];
  /** Events recorded. */
  events?: number;
  /** Log lines written. */
  logs?: readonly { level: string; createdAt: number }[];
}

/**
 * The start of the minute of a time.
 *
 * @param ms Time (ms).
 * @returns The minute's start (ms).
 */
export function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}

/**
 * The open tasks a record contributes to the task counters: those it lists while its run is
 * running (what readers count by reading running runs' records).
 *
 * @param record A run's record.
 * @returns Counts by status.
 */
export function openTaskCounts(
  record: { status: string; tasks: readonly Pick<TaskRecord, "status">[] },
): Record<string, number> {
  const out: Record<string, number> = {};
  if (record.status !== "RUNNING") return out;
  for (const t of record.tasks) {
    if (OPEN.includes(t.status)) out[t.status] = (out[t.status] ?? 0) + 1;
  }
  return out;
}

function signed(n: number): bigint {
  return n >= 0 ? BigInt(n) : (MINUS_ONE + 1n + BigInt(n)) & MINUS_ONE;
}

/**
 * The counter sums of a change.
 *
 * @param c The change.
 * @returns The sums, for the same atomic operation as the change.
 * @example
 * ```ts
 * import { counterSums } from "./counters.ts";
 * const sums = counterSums({
 *   created: false, previousStatus: "RUNNING", status: "FAILED", name: "n", createdAt: 0, at: 60_000,
 * });
 * console.assert(sums.length === 5); // RUNNING −1, FAILED +1, of "n" too, failed at 60,000 +1
 * ```
 */
export function counterSums(c: CountedChange): CounterSum[] {
  const out: CounterSum[] = [];
  const add = (key: Key, n: number | bigint) =>
    out.push({ key, n: typeof n === "bigint" ? n : signed(n) });
  if (c.created || (c.previousStatus !== undefined && c.previousStatus !== c.status)) {
    add(keys.statusCount(c.status), 1n);
    add(keys.nameCount(c.name, c.status), 1n);
    if (c.created) add(keys.minuteCount(minuteOf(c.createdAt), "started"), 1n);
    else {
      add(keys.statusCount(c.previousStatus as string), MINUS_ONE);
      add(keys.nameCount(c.name, c.previousStatus as string), MINUS_ONE);
    }
    const end = ENDS[c.status];
    if (end !== undefined) add(keys.minuteCount(minuteOf(c.at), end), 1n);
  }
  const before = c.openBefore ?? {};
  const after = c.openAfter ?? {};
  for (const s of OPEN) {
    const d = (after[s] ?? 0) - (before[s] ?? 0);
    if (d !== 0) add(keys.taskCount(s), d);
  }
  const finished: Record<string, number> = {};
  for (const t of c.finished ?? []) finished[t.status] = (finished[t.status] ?? 0) + 1;
  for (const [s, n] of Object.entries(finished)) add(keys.taskCount(s), n);
  if ((c.events ?? 0) > 0) add(keys.eventCount(), c.events as number);
  const levels: Record<string, number> = {};
  for (const l of c.logs ?? []) {
    levels[l.level] = (levels[l.level] ?? 0) + 1;
    if (l.level === "ERROR") add(keys.minuteCount(minuteOf(l.createdAt), "errors"), 1n);
  }
  for (const [level, n] of Object.entries(levels)) add(keys.logCount(level), n);
  return out;
}

/**
 * Adds sums up per key (mod 2^64), keeping the order in which keys first appear.
 *
 * @param sums Sums, several of a key possibly.
 * @returns One sum per key.
 */
export function mergeSums(sums: Iterable<CounterSum>): CounterSum[] {
  const byKey = new Map<string, CounterSum>();
  for (const s of sums) {
    const id = JSON.stringify(s.key);
    const had = byKey.get(id);
    byKey.set(id, { key: s.key, n: ((had?.n ?? 0n) + s.n) & MINUS_ONE });
  }
  // A total of 0 is kept: it still marks the counter as changed (`counters_rebuild.ts`).
  return [...byKey.values()];
}

/**
 * The writes that prune finished tasks from the task log: each log key's delete with the
 * decrements of the task counters it held, in one group (one atomic operation each).
 *
 * @param entries The log keys to delete, with their tasks.
 * @returns Groups of writes, each to land whole.
 */
export function taskLogPrune(
  entries: readonly { key: Key; value: readonly Pick<TaskRecord, "status">[] }[],
): Mutation[][] {
  const groups: Mutation[][] = [];
  for (let i = 0; i < entries.length; i += 100) {
    const part = entries.slice(i, i + 100);
    const counts: Record<string, number> = {};
    for (const e of part) for (const t of e.value) counts[t.status] = (counts[t.status] ?? 0) + 1;
    groups.push([
      ...part.map((e): Mutation => ({ kind: "delete", key: e.key })),
      ...Object.entries(counts).map(([s, n]): Mutation => ({
        kind: "sum",
        key: keys.taskCount(s),
        n: signed(-n),
      })),
    ]);
  }
  return groups;
}

/**
 * A counter's value as a count: 0 when absent, and 0 for a value that wrapped below zero.
 *
 * @param value A stored value.
 * @returns The count.
 */
export function countOf(value: unknown): number {
  if (!(value instanceof Deno.KvU64)) return 0;
  return value.value >= 1n << 63n ? 0 : Number(value.value);
}

/** What the `countersReady` key holds. */
export interface CountersReady {
  /** When the counters were built (ms). */
  at: number;
  /** The first minute whose rollups are complete (ms). */
  since: number;
}

/**
 * Reads counters, when the file's counters are built.
 *
 * @param kv The KV handle.
 * @param counters The counters' keys.
 * @returns Their counts in order, or `undefined` when the file's counters are not built yet.
 */
export async function readCounters(
  kv: Deno.Kv,
  counters: readonly Key[],
): Promise<number[] | undefined> {
  // One snapshot read for the marker and up to nine counters (getMany takes ten keys).
  const [ready, ...first] = await kv.getMany([keys.countersReady(), ...counters.slice(0, 9)]);
  if (ready === undefined || ready.value === null) return undefined;
  const out = first.map((e) => countOf(e.value));
  for (let i = 9; i < counters.length; i += 10) {
    for (const e of await kv.getMany(counters.slice(i, i + 10))) out.push(countOf(e.value));
  }
  return out;
}

/**
 * Reads the counts of runs by status from the counters.
 *
 * @param kv The KV handle.
 * @param statuses Statuses to count.
 * @returns Count per status, or `undefined` when the file's counters are not built yet.
 */
export async function readStatusCounts(
  kv: Deno.Kv,
  statuses: readonly string[],
): Promise<Record<string, number> | undefined> {
  const got = await readCounters(kv, statuses.map(keys.statusCount));
  return got === undefined
    ? undefined
    : Object.fromEntries(statuses.map((s, i) => [s, got[i] ?? 0]));
}

/**
 * Reads the counts of runs of workflow names by status from the counters.
 *
 * @param kv The KV handle.
 * @param names Workflow names.
 * @returns Counts by name then status, or `undefined` when the counters are not built yet.
 */
export async function readNameCounts(
  kv: Deno.Kv,
  names: readonly string[],
): Promise<Map<string, Record<string, number>> | undefined> {
  if ((await kv.get(keys.countersReady())).value === null) return undefined;
  const out = new Map<string, Record<string, number>>();
  await Promise.all(names.map(async (name) => {
    const counts: Record<string, number> = {};
    const prefix = keys.nameCountPrefix(name);
    for await (const e of kv.list({ prefix })) {
      counts[String(e.key[prefix.length])] = countOf(e.value);
    }
    out.set(name, counts);
  }));
  return out;
}

/** Runs started and ended, and ERROR lines, in one minute. */
export type MinuteCounts = Record<RollupKind, number>;

/**
 * Reads the minute rollups of a time range.
 *
 * @param kv The KV handle.
 * @param since First minute (ms, a minute's start).
 * @param until Last minute (ms, a minute's start), included.
 * @returns Counts by minute start (minutes without any are absent), or `undefined` when the
 * file's rollups do not cover `since` (not built yet, or built after it).
 */
export async function readMinuteCounts(
  kv: Deno.Kv,
  since: number,
  until: number,
): Promise<Map<number, MinuteCounts> | undefined> {
  const ready = (await kv.get<CountersReady>(keys.countersReady())).value;
  if (ready === null || !(ready.since <= since)) return undefined;
  const out = new Map<number, MinuteCounts>();
  const prefix = keys.minuteCountPrefix();
  const iter = kv.list<Deno.KvU64>({ start: [...prefix, since], end: [...prefix, until + 1] });
  for await (const e of iter) {
    const minute = e.key[prefix.length] as number;
    const kind = e.key[prefix.length + 1] as RollupKind;
    let m = out.get(minute);
    if (m === undefined) {
      m = { started: 0, completed: 0, failed: 0, cancelled: 0, errors: 0 };
      out.set(minute, m);
    }
    if (kind in m) m[kind] = countOf(e.value);
  }
  return out;
}

/**
 * Deletes the minute rollups older than {@linkcode ROLLUP_RETENTION_MS} (at most 1,000 a call;
 * the owner calls it with its other pruning).
 *
 * @param kv The KV handle.
 * @param now The current time (ms).
 * @returns How many were deleted.
 */
export async function pruneRollups(kv: Deno.Kv, now: number = Date.now()): Promise<number> {
  const prefix = keys.minuteCountPrefix();
  const end = [...prefix, minuteOf(now - ROLLUP_RETENTION_MS)];
  const old: Key[] = [];
  for await (const e of kv.list({ start: prefix, end }, { limit: 1000 })) old.push(e.key);
  for (let i = 0; i < old.length; i += 500) {
    const op = kv.atomic();
    for (const key of old.slice(i, i + 500)) op.delete(key);
    await commitPatiently(op);
  }
  return old.length;
}

/**
 * Deletes the task log beyond the most recent `keep` finished tasks (whole log keys, at most 500
 * a call), each key with the decrement of the task counters it held.
 *
 * @param kv The KV handle.
 * @param keep How many finished tasks to keep.
 * @param commit Commits one group of writes atomically (the owner's fenced commit).
 * @returns How many tasks were deleted.
 */
export async function pruneTaskLog(
  kv: Deno.Kv,
  keep: number,
  commit: (mutations: Mutation[]) => Promise<void>,
): Promise<number> {
  let seen = 0;
  let deleted = 0;
  const doomed: { key: Key; value: TaskRecord[] }[] = [];
  for await (
    const e of kv.list<TaskRecord[]>({ prefix: keys.taskLogPrefix() }, { reverse: true })
  ) {
    if (seen >= keep) {
      doomed.push(e);
      deleted += e.value.length;
      if (doomed.length >= 500) break;
    }
    seen += e.value.length;
  }
  for (const group of taskLogPrune(doomed)) await commit(group);
  return deleted;
}
