/**
 * `loom stats`: what the KV file holds, and who owns it.
 *
 * @module
 */

import { countRecords, readLease } from "../../store/mod.ts";
import { COMMON_OPTIONS, JSON_OPTION, type ParsedArgs } from "../args.ts";
import { kvFileSize } from "../file_size.ts";
import { formatBytes, formatTime } from "../format.ts";
import type { Io } from "../io.ts";
import type { StatsJson } from "../json_shapes.ts";
import { formatPairs } from "../table.ts";
import { isLocalFile, openReader, targetOf } from "../target.ts";
import type { Command } from "./command.ts";

/**
 * Reads the statistics of a KV file.
 *
 * @param kvPath The file.
 * @returns The statistics.
 */
export async function readStats(kvPath: string): Promise<StatsJson> {
  const store = await openReader(kvPath);
  try {
    const [counts, lease] = await Promise.all([countRecords(store.kv), readLease(store.kv, 0)]);
    const w = counts.workflows;
    const t = counts.tasks;
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    return {
      kvPath,
      workflows: {
        total: sum(w),
        running: w.RUNNING ?? 0,
        completed: w.COMPLETED ?? 0,
        failed: w.FAILED ?? 0,
        cancelled: w.CANCELLED ?? 0,
      },
      tasks: {
        total: sum(t),
        pending: t.PENDING ?? 0,
        running: t.RUNNING ?? 0,
        completed: t.COMPLETED ?? 0,
        failed: t.FAILED ?? 0,
      },
      events: counts.events,
      logs: counts.logs,
      timers: counts.timers,
      inbox: counts.inbox,
      owner: lease === undefined
        ? null
        : { pid: lease.pid, host: lease.host, since: new Date(lease.acquiredAt).toISOString() },
      fileBytes: isLocalFile(kvPath) ? await kvFileSize(kvPath) : null,
    };
  } finally {
    store.close();
  }
}

/** See the module doc. */
export const statsCommand: Command = {
  spec: {
    name: "stats",
    summary: "Count runs, tasks, events and logs, and show who owns the file",
    description: [
      "Reads the KV file directly (also while an owner runs); --url is not used.",
      'With --json it prints {"kvPath", "workflows": {"total", "running", "completed", "failed", "cancelled"}, "tasks": {"total", "pending", "running", "completed", "failed"}, "events", "logs", "timers", "inbox", "owner": {"pid", "host", "since"} or null, "fileBytes"}.',
    ],
    options: { ...JSON_OPTION, ...COMMON_OPTIONS },
  },
  async run(args: ParsedArgs, io: Io): Promise<number> {
    const stats = await readStats(targetOf(args).kvPath);
    if (args.flag("json")) {
      io.out(JSON.stringify(stats, null, 2));
      return 0;
    }
    const s = io.style;
    const w = stats.workflows;
    const owner = stats.owner === null
      ? s.dim("none")
      : `pid ${stats.owner.pid} on ${stats.owner.host}, since ${
        formatTime(Date.parse(stats.owner.since))
      }`;
    io.out(`${s.bold("Database Statistics:")} ${stats.kvPath}`);
    const pairs: [string, string][] = [
      ["Total Workflows", String(w.total)],
      ["Running Workflows", s.yellow(String(w.running))],
      ["Completed Workflows", s.green(String(w.completed))],
      ["Failed Workflows", w.failed > 0 ? s.red(String(w.failed)) : "0"],
      ["Cancelled Workflows", String(w.cancelled)],
      ["Total Events", String(stats.events)],
      ["Pending Tasks", String(stats.tasks.pending)],
      ["Running Tasks", String(stats.tasks.running)],
      ["Tasks Kept", String(stats.tasks.total)],
      ["Timers Armed", String(stats.timers)],
      ["Inbox Requests", String(stats.inbox)],
      ["Log Entries", String(stats.logs)],
      ["Owner", owner],
    ];
    if (stats.fileBytes !== null) pairs.push(["File Size", formatBytes(stats.fileBytes)]);
    for (const line of formatPairs(pairs, s, 2)) io.out(line);
    return 0;
  },
};
