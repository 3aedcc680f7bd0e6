/**
 * The numbers behind `/api/stats` and the health routes: runs by status, tasks by status, event
 * and log counts, what is in flight, and runs started and ended per minute.
 *
 * @module
 */

import type { LoomReader } from "../../engine/mod.ts";
import type { StoredEvent } from "../../store/mod.ts";
import type { ApiBackend } from "../backend.ts";
import { iso } from "./shapes.ts";

const STATUSES = ["RUNNING", "COMPLETED", "FAILED", "CANCELLED"] as const;

/** Most events read to compute throughput. */
export const THROUGHPUT_EVENT_LIMIT = 50_000;

/**
 * Counts runs by status.
 *
 * @param reader The reader.
 * @returns The reference's shape (`canceled`), and `cancelled`.
 */
export async function workflowStats(reader: LoomReader) {
  const c = await reader.countByStatus(STATUSES);
  const n = (s: string) => c[s] ?? 0;
  return {
    total: STATUSES.reduce((sum, s) => sum + n(s), 0),
    running: n("RUNNING"),
    completed: n("COMPLETED"),
    failed: n("FAILED"),
    canceled: n("CANCELLED"),
    cancelled: n("CANCELLED"),
  };
}

/**
 * Counts tasks by status.
 *
 * @param reader The reader.
 * @returns Counts.
 */
export async function taskStats(reader: LoomReader) {
  const counted = await reader.countTasks();
  const tasks = counted === undefined ? await reader.allTasks() : [];
  const n = (s: string) => counted?.[s] ?? tasks.filter((t) => t.status === s).length;
  return {
    total: counted === undefined ? tasks.length : Object.values(counted).reduce((a, b) => a + b, 0),
    pending: n("PENDING"),
    running: n("RUNNING"),
    completed: n("COMPLETED"),
    failed: n("FAILED"),
  };
}

/**
 * What is in flight: activities running, timers scheduled, and timers due now.
 *
 * @param backend The backend.
 * @returns Counts, and who counted them.
 */
export async function liveStats(backend: ApiBackend) {
  const [live, due] = await Promise.all([
    backend.live(),
    backend.reader.countDueTimers(Date.now()),
  ]);
  return {
    activities_running: live.activitiesRunning,
    timers_scheduled: live.timersScheduled,
    timers_due: due,
    source: backend.role,
  };
}

const ENDS: Record<string, "completed" | "failed" | "cancelled"> = {
  WORKFLOW_COMPLETED: "completed",
  WORKFLOW_FAILED: "failed",
  WORKFLOW_CANCELLED: "cancelled",
};

/**
 * Runs started and ended per minute over the last `minutes` whole minutes and the current one,
 * from the minute rollups kept at commit time (from the events of the window on a file whose
 * rollups are not built yet).
 *
 * @param reader The reader.
 * @param minutes Window length.
 * @param now The current time (ms).
 * @returns Per-minute counts, oldest first, and the mean completions per whole minute.
 */
export async function throughput(reader: LoomReader, minutes: number, now = Date.now()) {
  const current = Math.floor(now / 60_000) * 60_000;
  const since = current - minutes * 60_000;
  const buckets = Array.from({ length: minutes + 1 }, (_, i) => ({
    minute: iso(since + i * 60_000),
    started: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
  }));
  const rollups = await reader.minuteCounts(since, current);
  if (rollups !== undefined) {
    for (const [minute, counts] of rollups) {
      const bucket = buckets[Math.floor((minute - since) / 60_000)];
      if (bucket === undefined) continue;
      bucket.started = counts.started;
      bucket.completed = counts.completed;
      bucket.failed = counts.failed;
      bucket.cancelled = counts.cancelled;
    }
  } else await fromEvents(reader, since, buckets);
  const whole = buckets.slice(0, minutes);
  const completed = whole.reduce((sum, b) => sum + b.completed, 0);
  return {
    window_minutes: minutes,
    minutes: buckets,
    completed_per_minute: minutes === 0 ? 0 : Math.round((completed / minutes) * 100) / 100,
  };
}

type Bucket = Record<"started" | "completed" | "failed" | "cancelled", number>;

async function fromEvents(reader: LoomReader, since: number, buckets: Bucket[]): Promise<void> {
  const page = await reader.queryEvents({
    since,
    types: ["WORKFLOW_STARTED", ...Object.keys(ENDS)],
  }, { newestFirst: true, limit: THROUGHPUT_EVENT_LIMIT });
  for (const e of page.items as StoredEvent[]) {
    const bucket = buckets[Math.floor((e.createdAt - since) / 60_000)];
    if (bucket === undefined) continue;
    if (e.type === "WORKFLOW_STARTED") bucket.started++;
    else bucket[ENDS[e.type] as "completed"]++;
  }
}

/**
 * The reference's `/api/stats/health`: healthy when at most 10 % of runs failed, degraded up to
 * 25 %, unhealthy above; with active runs, due tasks, and ERROR logs of the last hour (the
 * minute rollups of the 60 minutes before the current one and of the current one).
 *
 * @param reader The reader.
 * @param now The current time (ms).
 * @returns The health summary.
 */
export async function healthStats(reader: LoomReader, now = Date.now()) {
  const [w, due, errors] = await Promise.all([
    workflowStats(reader),
    reader.allTasks({ statuses: ["PENDING"], dueBy: now }),
    recentErrors(reader, now),
  ]);
  const rate = w.total === 0 ? 0 : Math.round((w.failed / w.total) * 10_000) / 100;
  return {
    status: rate <= 10
      ? "healthy" as const
      : rate <= 25
      ? "degraded" as const
      : "unhealthy" as const,
    active_workflows: w.running,
    pending_tasks: due.length,
    recent_errors: errors,
    failure_rate: rate,
    timestamp: iso(now),
  };
}

/** ERROR log lines of the last hour: from the minute rollups, or by reading the logs. */
async function recentErrors(reader: LoomReader, now: number): Promise<number> {
  const current = Math.floor(now / 60_000) * 60_000;
  const rollups = await reader.minuteCounts(current - 60 * 60_000, current);
  if (rollups === undefined) return reader.countLogs({ levels: ["ERROR"], since: now - 3_600_000 });
  let n = 0;
  for (const m of rollups.values()) n += m.errors;
  return n;
}

/**
 * The processes that hold the file's partitions, as the API writes them.
 *
 * @param reader The reader.
 * @returns The partition count and the processes, oldest first.
 */
export async function processStats(reader: LoomReader) {
  const owners = await reader.processes();
  return {
    partition_count: owners.partitionCount,
    processes: owners.processes.map((o) => ({
      owner_id: o.ownerId,
      pid: o.pid,
      host: o.host,
      since: iso(o.since),
      partitions: o.partitions,
    })),
  };
}
