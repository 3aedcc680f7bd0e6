/**
 * Builds the counters and the recent minute rollups of a file once (a file written before they
 * existed, or whose marker is missing), from what the indexes and records say: runs by status
 * from the status index and by name from the name index, open tasks from running runs' records,
 * finished ones from the task log, events from the event index, log lines from the log, and
 * over the longest throughput window readers ask for the runs started (time index), ended (end
 * events) and the ERROR lines per minute. They are written as absolute values, with the
 * `countersReady` marker last.
 *
 * No lease is taken. Every commit that changes a count adds to at least one of the status, task,
 * event or log counters, so each write of the build checks that none of those changed since the
 * scan began: a commit that landed meanwhile makes it start again, and a commit after it adds to
 * the values written. After a few refused tries (a busy file) it gives up; readers keep counting
 * from the indexes, and the next open tries again. (Chosen over a schema step 3 → 4: no version
 * for the other processes on the file to agree on, no owner lease to wait for, and nothing to do
 * on a new file.)
 *
 * @module
 */

import {
  type CountersReady,
  minuteOf,
  openTaskCounts,
  type RollupKind,
  THROUGHPUT_MAX_MINUTES,
} from "./counters.ts";
import { commitPatiently } from "./patient_commit.ts";
import { type Key, keys } from "./keys.ts";
import { queryEvents } from "./queries/events.ts";
import { getRuns } from "./queries/runs.ts";
import type { EventIndexEntry, LogRecord, TaskRecord } from "./records.ts";

const ENDS: Record<string, RollupKind> = {
  WORKFLOW_COMPLETED: "completed",
  WORKFLOW_FAILED: "failed",
  WORKFLOW_CANCELLED: "cancelled",
};
const TRIES = 5;
/** Writes per atomic operation of the build (KV takes 1,000 mutations and 100 checks). */
const OP_WRITES = 800;

/** How a build went. */
export interface CountersBuild {
  /** The counters were built now (`false`: they were there, or the file stayed too busy). */
  built: boolean;
  /** The file has its counters (now or before). */
  ready: boolean;
}

/** The counters every counted commit adds to one of, with their versionstamps. */
async function watched(kv: Deno.Kv): Promise<Map<string, Deno.AtomicCheck>> {
  const defaults = [
    ...["RUNNING", "COMPLETED", "FAILED", "CANCELLED"].map(keys.statusCount),
    ...["PENDING", "RUNNING", "COMPLETED", "FAILED"].map(keys.taskCount),
    ...["DEBUG", "INFO", "WARNING", "ERROR"].map(keys.logCount),
    keys.eventCount(),
  ];
  const out = new Map<string, Deno.AtomicCheck>();
  for (let i = 0; i < defaults.length; i += 10) {
    for (const e of await kv.getMany(defaults.slice(i, i + 10))) {
      out.set(JSON.stringify(e.key), { key: e.key, versionstamp: e.versionstamp });
    }
  }
  for (
    const prefix of [
      keys.statusCountPrefix(),
      keys.taskCount("").slice(0, 2),
      keys.logCountPrefix(),
    ]
  ) {
    for await (const e of kv.list({ prefix })) {
      out.set(JSON.stringify(e.key), { key: e.key, versionstamp: e.versionstamp });
    }
  }
  return out;
}

class Tally {
  readonly counts = new Map<string, { key: Key; n: number }>();
  add(key: Key, n = 1): void {
    const id = JSON.stringify(key);
    const had = this.counts.get(id);
    if (had === undefined) this.counts.set(id, { key, n });
    else had.n += n;
  }
}

async function countRuns(kv: Deno.Kv, tally: Tally): Promise<void> {
  const statusOf = new Map<string, string>();
  const byStatus = keys.byStatusPrefix("").slice(0, -1);
  for await (const e of kv.list<null>({ prefix: byStatus }, { batchSize: 1000 })) {
    const status = String(e.key[byStatus.length]);
    statusOf.set(String(e.key[e.key.length - 1]), status);
    tally.add(keys.statusCount(status));
  }
  const byName = keys.byNamePrefix("").slice(0, -1);
  for await (const e of kv.list<null>({ prefix: byName }, { batchSize: 1000 })) {
    const status = statusOf.get(String(e.key[e.key.length - 1]));
    if (status !== undefined) tally.add(keys.nameCount(String(e.key[byName.length]), status));
  }
  const running = [...statusOf].filter(([, s]) => s === "RUNNING").map(([id]) => id);
  for (let i = 0; i < running.length; i += 100) {
    for (const r of await getRuns(kv, running.slice(i, i + 100))) {
      if (r === undefined) continue;
      for (const [s, n] of Object.entries(openTaskCounts(r))) tally.add(keys.taskCount(s), n);
    }
  }
}

async function countRecorded(kv: Deno.Kv, tally: Tally, since: number): Promise<void> {
  const log = kv.list<TaskRecord[]>({ prefix: keys.taskLogPrefix() }, { batchSize: 100 });
  for await (const e of log) for (const t of e.value) tally.add(keys.taskCount(t.status));
  let events = 0;
  const index = kv.list<EventIndexEntry[]>({ prefix: keys.eventIndexPrefix() }, { batchSize: 100 });
  for await (const e of index) for (const entry of e.value) events += entry[3];
  if (events > 0) tally.add(keys.eventCount(), events);
  for await (const e of kv.list<LogRecord>({ prefix: keys.logPrefix() }, { batchSize: 500 })) {
    tally.add(keys.logCount(e.value.level));
    if (e.value.level === "ERROR" && e.value.createdAt >= since) {
      tally.add(keys.minuteCount(minuteOf(e.value.createdAt), "errors"));
    }
  }
  const time = keys.byTimePrefix();
  for await (const e of kv.list<null>({ prefix: time, start: [...time, since] })) {
    tally.add(keys.minuteCount(minuteOf(e.key[time.length] as number), "started"));
  }
  const ended = await queryEvents(kv, { since, types: Object.keys(ENDS) }, {
    newestFirst: true,
    limit: Number.MAX_SAFE_INTEGER,
  });
  for (const e of ended.items) {
    tally.add(keys.minuteCount(minuteOf(e.createdAt), ENDS[e.type] as RollupKind));
  }
}

/** The build's writes: what it replaces is deleted first, then every count set. */
async function writes(
  kv: Deno.Kv,
  tally: Tally,
  since: number,
  checked: Map<string, Deno.AtomicCheck>,
) {
  const out: ({ del: Key } | { set: Key; n: number })[] = [];
  const minutes = keys.minuteCountPrefix();
  for await (const e of kv.list({ prefix: keys.nameCountPrefix() })) out.push({ del: e.key });
  for await (const e of kv.list({ prefix: minutes, start: [...minutes, since] })) {
    out.push({ del: e.key });
  }
  // Every watched counter is set, to 0 when nothing is counted for it.
  for (const c of checked.values()) {
    if (!tally.counts.has(JSON.stringify(c.key))) out.push({ set: c.key, n: 0 });
  }
  for (const { key, n } of tally.counts.values()) out.push({ set: key, n });
  return out;
}

/**
 * Builds the counters of a file that has no `countersReady` marker.
 *
 * @param kv The KV handle.
 * @param now The current time (ms).
 * @returns Whether they were built, and whether the file has them.
 */
export async function ensureCounters(
  kv: Deno.Kv,
  now: number = Date.now(),
): Promise<CountersBuild> {
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const marker = await kv.get<CountersReady>(keys.countersReady());
    if (marker.value !== null) return { built: false, ready: true };
    const since = minuteOf(now) - THROUGHPUT_MAX_MINUTES * 60_000;
    const checked = await watched(kv);
    const tally = new Tally();
    await countRuns(kv, tally);
    await countRecorded(kv, tally, since);
    for (const { key } of tally.counts.values()) {
      const id = JSON.stringify(key);
      // A counter the scan found that did not exist: it must still not exist when written.
      if (!checked.has(id) && key[1] !== "name" && key[1] !== "minute") {
        checked.set(id, { key, versionstamp: null });
      }
    }
    const all = await writes(kv, tally, since, checked);
    let ok = true;
    for (let i = 0; i < all.length || i === 0; i += OP_WRITES) {
      const op = kv.atomic().check(marker);
      for (const c of checked.values()) op.check(c);
      for (const w of all.slice(i, i + OP_WRITES)) {
        if ("del" in w) op.delete(w.del);
        else op.set(w.set, new Deno.KvU64(BigInt(Math.max(0, w.n))));
      }
      if (i + OP_WRITES >= all.length) {
        op.set(keys.countersReady(), { at: Date.now(), since } satisfies CountersReady);
      }
      const res = await commitPatiently(op);
      if (!res.ok) {
        ok = false;
        break;
      }
      // What this operation wrote is checked at its new versionstamp in the next one.
      for (const w of all.slice(i, i + OP_WRITES)) {
        const c = "set" in w ? checked.get(JSON.stringify(w.set)) : undefined;
        if (c !== undefined) c.versionstamp = res.versionstamp;
      }
    }
    if (ok) return { built: true, ready: true };
    await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
  }
  return { built: false, ready: false };
}
