/**
 * Builds the run counters and the recent minute rollups of a file once (a file written before
 * they existed, or whose marker is missing), from the indexes and the events: the runs by
 * status from the status index, the runs started per minute from the time index, and the runs
 * ended per minute from the end events, over the longest throughput window readers ask for. It
 * then writes them as absolute values, with the `countersReady` marker.
 *
 * No lease is taken. Every commit that changes a count also adds to a status counter, so the
 * final write checks that no status counter changed since the scan began: a commit that landed
 * meanwhile makes it start again, and a commit after it adds to the values written. After a few
 * refused tries (a busy file) it gives up; readers keep counting from the indexes, and the next
 * open tries again. (Chosen over a schema step 3 → 4: no version bump for the other processes
 * on the file to agree on, no owner lease to wait for, and nothing to do on a new file.)
 *
 * @module
 */

import {
  type CountersReady,
  minuteOf,
  ROLLUP_KINDS,
  type RollupKind,
  THROUGHPUT_MAX_MINUTES,
} from "./counters.ts";
import { keys } from "./keys.ts";
import { queryEvents } from "./queries/events.ts";

const STATUSES = ["RUNNING", "COMPLETED", "FAILED", "CANCELLED"];
const ENDS: Record<string, RollupKind> = {
  WORKFLOW_COMPLETED: "completed",
  WORKFLOW_FAILED: "failed",
  WORKFLOW_CANCELLED: "cancelled",
};
const TRIES = 5;

/** How a build went. */
export interface CountersBuild {
  /** The counters were built now (`false`: they were there, or the file stayed too busy). */
  built: boolean;
  /** The file has its counters (now or before). */
  ready: boolean;
}

async function counterStamps(kv: Deno.Kv): Promise<Map<string, Deno.AtomicCheck>> {
  const out = new Map<string, Deno.AtomicCheck>();
  const known = await kv.getMany(STATUSES.map(keys.statusCount));
  known.forEach((e, i) =>
    out.set(STATUSES[i] as string, { key: e.key, versionstamp: e.versionstamp })
  );
  for await (const e of kv.list({ prefix: keys.statusCountPrefix() })) {
    const status = String(e.key[e.key.length - 1]);
    if (!out.has(status)) out.set(status, { key: e.key, versionstamp: e.versionstamp });
  }
  return out;
}

async function scan(kv: Deno.Kv, since: number) {
  const statuses: Record<string, number> = {};
  const byStatus = keys.byStatusPrefix("").slice(0, -1);
  for await (const e of kv.list<null>({ prefix: byStatus }, { batchSize: 1000 })) {
    const s = String(e.key[byStatus.length]);
    statuses[s] = (statuses[s] ?? 0) + 1;
  }
  const minutes = new Map<string, number>();
  const add = (minute: number, kind: RollupKind) => {
    const id = `${minute}:${kind}`;
    minutes.set(id, (minutes.get(id) ?? 0) + 1);
  };
  const time = keys.byTimePrefix();
  for await (const e of kv.list<null>({ prefix: time, start: [...time, since] })) {
    add(minuteOf(e.key[time.length] as number), "started");
  }
  const ended = await queryEvents(kv, { since, types: Object.keys(ENDS) }, {
    newestFirst: true,
    limit: Number.MAX_SAFE_INTEGER,
  });
  for (const e of ended.items) add(minuteOf(e.createdAt), ENDS[e.type] as RollupKind);
  return { statuses, minutes };
}

/**
 * Builds the counters of a file that has no `countersReady` marker.
 *
 * @param kv The KV handle.
 * @param now The current time (ms).
 * @returns Whether they were built, and whether the file has them.
 */
export async function ensureCounters(kv: Deno.Kv, now = Date.now()): Promise<CountersBuild> {
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const marker = await kv.get<CountersReady>(keys.countersReady());
    if (marker.value !== null) return { built: false, ready: true };
    const since = minuteOf(now) - THROUGHPUT_MAX_MINUTES * 60_000;
    const stamps = await counterStamps(kv);
    const { statuses, minutes } = await scan(kv, since);
    const op = kv.atomic().check(marker);
    for (const s of Object.keys(statuses)) {
      if (!stamps.has(s)) stamps.set(s, { key: keys.statusCount(s), versionstamp: null });
    }
    for (const [status, check] of stamps) {
      op.check(check).set(keys.statusCount(status), new Deno.KvU64(BigInt(statuses[status] ?? 0)));
    }
    // The window's rollups are replaced whole (sums of commits before the scan are in it).
    const prefix = keys.minuteCountPrefix();
    for await (const e of kv.list({ prefix, start: [...prefix, since] })) op.delete(e.key);
    for (const [id, n] of minutes) {
      const [minute, kind] = id.split(":") as [string, RollupKind];
      if (!ROLLUP_KINDS.includes(kind)) continue;
      op.set(keys.minuteCount(Number(minute), kind), new Deno.KvU64(BigInt(n)));
    }
    const ready: CountersReady = { at: Date.now(), since };
    const res = await op.set(keys.countersReady(), ready).commit();
    if (res.ok) return { built: true, ready: true };
    await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
  }
  return { built: false, ready: false };
}
