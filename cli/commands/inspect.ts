/**
 * `loom inspect <id>`: one run in detail, with its events and logs on request.
 *
 * @module
 */

import { LoomReader, stateFromEvents, WorkflowNotFoundError } from "../../engine/mod.ts";
import type { WorkflowRecord } from "../../store/mod.ts";
import { COMMON_OPTIONS, JSON_OPTION, type ParsedArgs } from "../args.ts";
import { readerRunLookup } from "../client.ts";
import { resolveRunId } from "../run_id.ts";
import { colorLevel, colorStatus, compactJson, formatDuration, formatTime } from "../format.ts";
import type { Io } from "../io.ts";
import { eventJson, type InspectJson, logJson, workflowJson } from "../json_shapes.ts";
import { formatPairs } from "../table.ts";
import { openReader, targetOf } from "../target.ts";
import type { Command } from "./command.ts";

/**
 * Finds a run by its id or by an unambiguous start of it.
 *
 * @param reader The reader.
 * @param id An id, or the start of one.
 * @returns The run's record.
 * @throws {WorkflowNotFoundError} When nothing matches.
 * @throws {UsageError} When the prefix matches several runs (exit code 2), naming them.
 */
export async function findWorkflow(reader: LoomReader, id: string): Promise<WorkflowRecord> {
  const found = await resolveRunId(readerRunLookup(reader), id, "inspect");
  const record = await reader.run(found);
  if (record === undefined) throw new WorkflowNotFoundError(id);
  return record;
}

function indented(value: unknown): string[] {
  return JSON.stringify(value ?? null, null, 2).split("\n").map((l) => `  ${l}`);
}

/** See the module doc. */
export const inspectCommand: Command = {
  spec: {
    name: "inspect",
    summary: "Show one run: status, times, input, state or result, error",
    positionals: [{ name: "id", help: "The run's id, or an unambiguous start of it" }],
    description: [
      "Reads the KV file directly (also while an owner runs); --url is not used.",
      'With --json it prints the fields of "loom list --json" plus "description", "module", "eventCount", "input", "state", "result", "error", and "events" ([{"id", "type", "payload", "createdAt"}]) with --events, "logs" ([{"id", "level", "message", "step", "createdAt"}]) with --logs.',
    ],
    options: {
      events: { type: "boolean", short: "e", help: "Also show the run's events" },
      logs: { type: "boolean", help: "Also show the run's log entries" },
      ...JSON_OPTION,
      ...COMMON_OPTIONS,
    },
    examples: ["loom inspect 3f2a", "loom inspect example-order --events"],
  },
  async run(args: ParsedArgs, io: Io): Promise<number> {
    const store = await openReader(targetOf(args).kvPath);
    try {
      const reader = new LoomReader(store.kv, store.where);
      const record = await findWorkflow(reader, args.positionals[0] as string);
      const [events, input, result, logs] = await Promise.all([
        reader.eventsOf(record.id),
        reader.input(record),
        reader.result(record),
        args.flag("logs")
          ? reader.queryLogs({ workflowId: record.id }, { limit: 1000 }).then((p) => p.items)
          : undefined,
      ]);
      logs?.reverse();
      const state = stateFromEvents(events);
      if (args.flag("json")) {
        const out: InspectJson = {
          ...workflowJson(record),
          description: record.description,
          module: record.module,
          eventCount: record.events,
          input,
          state,
          result: result ?? null,
          error: record.error ?? null,
        };
        if (args.flag("events")) out.events = events.map(eventJson);
        if (logs !== undefined) out.logs = logs.map(logJson);
        io.out(JSON.stringify(out, null, 2));
        return 0;
      }
      const s = io.style;
      io.out(`${s.bold("Workflow:")} ${s.cyan(record.name)}`);
      const pairs: [string, string][] = [
        ["ID", record.id],
        ["Status", colorStatus(s, record.status)],
        ["Version", record.version],
      ];
      if (record.description !== "") pairs.push(["Description", record.description]);
      if (record.module !== "") pairs.push(["Module", record.module]);
      pairs.push(["Created", formatTime(record.createdAt)], [
        "Updated",
        formatTime(record.updatedAt),
      ]);
      if (record.completedAt !== undefined) {
        pairs.push(
          ["Completed", formatTime(record.completedAt)],
          ["Duration", formatDuration(record.completedAt - record.createdAt)],
        );
      }
      pairs.push(["Events", String(record.events)]);
      if (record.error !== undefined) {
        const code = record.error.code === undefined ? "" : ` ${s.dim(`[${record.error.code}]`)}`;
        pairs.push(["Error", `${s.red(record.error.message)}${code}`]);
      }
      for (const line of formatPairs(pairs, s, 2)) io.out(line);
      io.out();
      io.out(s.bold("Input:"));
      for (const line of indented(input)) io.out(line);
      io.out();
      io.out(s.bold(record.status === "COMPLETED" ? "Result:" : "State:"));
      for (const line of indented(record.status === "COMPLETED" ? result : state)) io.out(line);
      if (args.flag("events")) {
        io.out();
        io.out(s.bold(`Events (${events.length}):`));
        const width = String(events.length).length;
        events.forEach((e, i) => {
          io.out(
            `  ${String(i + 1).padStart(width)}. ${s.cyan(e.type)}  ${
              s.dim(`${formatTime(e.createdAt)}  #${e.id}`)
            }`,
          );
          const payload = e.payload as Record<string, unknown> | null;
          if (payload !== null && payload !== undefined && Object.keys(payload).length > 0) {
            io.out(`  ${" ".repeat(width)}  ${s.dim("Payload:")} ${compactJson(payload)}`);
          }
        });
      }
      if (logs !== undefined) {
        io.out();
        io.out(s.bold(`Logs (${logs.length}):`));
        for (const l of logs) {
          io.out(
            `  ${s.dim(formatTime(l.createdAt))}  ${colorLevel(s, l.level)}${
              " ".repeat(Math.max(0, 7 - l.level.length))
            }  ${l.message}`,
          );
        }
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
