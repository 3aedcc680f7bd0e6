/**
 * `loom stats`: what the KV file holds, and which processes own which of its partitions.
 *
 * @module
 */

import { partitionRanges } from "../../engine/mod.ts";
import { countRecords, ownerProcesses, readPartitionCount } from "../../store/mod.ts";
import { COMMON_OPTIONS, JSON_OPTION, type ParsedArgs } from "../args.ts";
import { kvFileSize } from "../file_size.ts";
import { formatBytes, formatTime } from "../format.ts";
import type { Io } from "../io.ts";
import type { StatsJson } from "../json_shapes.ts";
import { formatPairs, formatTable } from "../table.ts";
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
    const partitions = await readPartitionCount(store.kv);
    const [counts, owners] = await Promise.all([
      countRecords(store.kv),
      ownerProcesses(store.kv, partitions),
    ]);
    const first = owners.find((o) => o.partitions.length > 0);
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
      owner: first === undefined
        ? null
        : { pid: first.pid, host: first.host, since: new Date(first.since).toISOString() },
      partitions,
      processes: owners.map((o) => ({
        pid: o.pid,
        host: o.host,
        since: new Date(o.since).toISOString(),
        partitions: o.partitions,
      })),
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
    summary: "Count runs, tasks, events and logs, and list the processes that own the file",
    description: [
      "Reads the KV file directly (also while an owner runs); --url is not used.",
      'With --json it prints {"kvPath", "workflows": {"total", "running", "completed", "failed", "cancelled"}, "tasks": {"total", "pending", "running", "completed", "failed"}, "events", "logs", "timers", "inbox", "owner": {"pid", "host", "since"} (the oldest owner) or null, "partitions" (the file\'s count), "processes": [{"pid", "host", "since", "partitions"}], "fileBytes"}.',
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
    const held = stats.processes.reduce((n, p) => n + p.partitions.length, 0);
    const owner = stats.processes.length === 0
      ? s.dim("none")
      : `${stats.processes.length} process${
        stats.processes.length === 1 ? "" : "es"
      }, ${held} of ${stats.partitions} partitions held`;
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
    if (stats.processes.length > 0) {
      io.out("");
      io.out(s.bold("Processes:"));
      for (
        const line of formatTable(
          [
            { header: "PID", value: (p) => String(p.pid), align: "right" },
            { header: "Host", value: (p) => p.host },
            { header: "Since", value: (p) => formatTime(Date.parse(p.since)) },
            { header: "Partitions", value: (p) => partitionRanges(p.partitions) },
          ],
          stats.processes,
          s,
        )
      ) io.out(line);
    }
    return 0;
  },
};
