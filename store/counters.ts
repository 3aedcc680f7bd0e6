/**
 * Run counters and throughput rollups, kept at commit time: the atomic operation that creates a
 * run or changes its status also adds to the count of its status (and takes one off the count
 * of its previous status), and to the runs started or ended in that minute. The additions are
 * KV `sum` mutations: no read and no check, so the owners of different partitions (and starts
 * written outside any owner) add to the same keys concurrently without conflicts. A decrement
 * is a sum of 2^64 − 1, which wraps around.
 *
 * A file written before the counters existed has none: `counters_rebuild.ts` builds them once,
 * and sets the `countersReady` key; until then readers count from the indexes.
 *
 * @module
 */

import { type Key, keys } from "./keys.ts";

/** What a minute's rollup counts. */
export const ROLLUP_KINDS = ["started", "completed", "failed", "cancelled"] as const;

/** A kind of {@linkcode ROLLUP_KINDS}. */
export type RollupKind = typeof ROLLUP_KINDS[number];

/** The longest throughput window readers ask for: whole minutes before the current one. */
export const THROUGHPUT_MAX_MINUTES = 60;

/** How long minute rollups are kept (pruned by the owner). */
export const ROLLUP_RETENTION_MS = 24 * 3_600_000;

/** Adding this to a `Deno.KvU64` takes one off (mod 2^64). */
export const MINUS_ONE = (1n << 64n) - 1n;

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

/** The status change of one run, as a transition or a start writes it. */
export interface StatusChange {
  /** The run is new (its record is written now). */
  created: boolean;
  /** Its status before, when this changes it. */
  previousStatus?: string | undefined;
  /** Its status after. */
  status: string;
  /** When the run started (ms): the minute of its `started` rollup. */
  createdAt: number;
  /** When the change happened (ms): the minute of its end's rollup. */
  at: number;
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
 * The counter sums of a status change: none when the status stays.
 *
 * @param c The change.
 * @returns The sums, for the same atomic operation as the change.
 * @example
 * ```ts
 * import { counterSums } from "./counters.ts";
 * const sums = counterSums({ created: false, previousStatus: "RUNNING", status: "FAILED", createdAt: 0, at: 60_000 });
 * console.assert(sums.length === 3); // RUNNING −1, FAILED +1, failed in minute 60,000 +1
 * ```
 */
export function counterSums(c: StatusChange): CounterSum[] {
  if (!c.created && (c.previousStatus === undefined || c.previousStatus === c.status)) return [];
  const out: CounterSum[] = [{ key: keys.statusCount(c.status), n: 1n }];
  if (c.created) out.push({ key: keys.minuteCount(minuteOf(c.createdAt), "started"), n: 1n });
  else out.push({ key: keys.statusCount(c.previousStatus as string), n: MINUS_ONE });
  const end = ENDS[c.status];
  if (end !== undefined) out.push({ key: keys.minuteCount(minuteOf(c.at), end), n: 1n });
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
 * A counter's value as a count: 0 when absent, and 0 for a value that wrapped below zero (a
 * decrement landed before the increment it undoes was counted).
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
  // One snapshot read for the marker and up to nine counters (getMany takes ten keys).
  const first = statuses.slice(0, 9);
  const [ready, ...values] = await kv.getMany([
    keys.countersReady(),
    ...first.map(keys.statusCount),
  ]);
  if (ready?.value === null || ready === undefined) return undefined;
  const out: Record<string, number> = {};
  first.forEach((s, i) => out[s] = countOf(values[i]?.value));
  for (let i = 9; i < statuses.length; i += 10) {
    const group = statuses.slice(i, i + 10);
    const entries = await kv.getMany(group.map(keys.statusCount));
    group.forEach((s, k) => out[s] = countOf(entries[k]?.value));
  }
  return out;
}

/** Runs started and ended in one minute. */
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
      m = { started: 0, completed: 0, failed: 0, cancelled: 0 };
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
export async function pruneRollups(kv: Deno.Kv, now = Date.now()): Promise<number> {
  const prefix = keys.minuteCountPrefix();
  const end = [...prefix, minuteOf(now - ROLLUP_RETENTION_MS)];
  const old: Key[] = [];
  for await (const e of kv.list({ start: prefix, end }, { limit: 1000 })) old.push(e.key);
  for (let i = 0; i < old.length; i += 500) {
    const op = kv.atomic();
    for (const key of old.slice(i, i + 500)) op.delete(key);
    await op.commit();
  }
  return old.length;
}
