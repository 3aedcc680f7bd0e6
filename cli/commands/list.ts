/**
 * `loom list`: runs, newest first, as a table or JSON.
 *
 * @module
 */

import { LoomReader, WorkflowStatus } from "../../engine/mod.ts";
import type { WorkflowRecord } from "../../store/mod.ts";
import { COMMON_OPTIONS, JSON_OPTION, type ParsedArgs } from "../args.ts";
import { CliError, UsageError } from "../errors.ts";
import { colorStatus, formatDuration, formatTime } from "../format.ts";
import type { Io } from "../io.ts";
import { type ListJson, workflowJson } from "../json_shapes.ts";
import { formatTable } from "../table.ts";
import { openReader, targetOf } from "../target.ts";
import type { Command } from "./command.ts";

const STATUSES: string[] = Object.values(WorkflowStatus);

/**
 * Reads a status as typed by people: any case, `CANCELED` for `CANCELLED`.
 *
 * @param text The value of `--status`.
 * @returns The stored status.
 * @throws {UsageError} For anything else.
 */
export function parseStatus(text: string): WorkflowStatus {
  const upper = text.trim().toUpperCase();
  const status = upper === "CANCELED" ? WorkflowStatus.Cancelled : upper;
  if (!STATUSES.includes(status)) {
    throw new UsageError(
      `Invalid value "${text}" for --status: expected one of ${STATUSES.join(", ")}`,
      "list",
    );
  }
  return status as WorkflowStatus;
}

function duration(r: WorkflowRecord): string {
  return r.completedAt === undefined ? "-" : formatDuration(r.completedAt - r.createdAt);
}

/** See the module doc. */
export const listCommand: Command = {
  spec: {
    name: "list",
    summary: "List workflow runs, newest first",
    description: [
      "Reads the KV file directly (also while an owner runs); --url is not used.",
      "On a terminal, long ids and names are cut (ending with …) unless --wide is given; when the output is not a terminal (a pipe, a file), nothing is cut.",
      'With --json it prints {"workflows": [{"workflowId", "name", "version", "status", "createdAt", "updatedAt", "completedAt", "durationMs"}], "cursor"}; times are ISO 8601, cursor is null on the last page.',
    ],
    options: {
      limit: {
        type: "string",
        short: "l",
        value: "N",
        defaultText: "50",
        help: "Runs to show (1-1000)",
      },
      status: {
        type: "string",
        short: "s",
        value: "STATUS",
        help:
          "Only runs with this status: RUNNING, COMPLETED, FAILED or CANCELLED (any case; CANCELED works)",
      },
      name: { type: "string", short: "n", value: "NAME", help: "Only runs of this workflow" },
      cursor: { type: "string", value: "CURSOR", help: "Continue after the page that printed it" },
      wide: {
        type: "boolean",
        help: "Never cut ids and names (on a terminal they are cut to 40 and 30 columns)",
      },
      ...JSON_OPTION,
      ...COMMON_OPTIONS,
    },
    examples: [
      "loom list",
      "loom list -s failed -l 10",
      "loom list --wide",
      "loom list --json | jq -r '.workflows[].workflowId'",
    ],
  },
  async run(args: ParsedArgs, io: Io): Promise<number> {
    const limit = args.int("limit", 50, { min: 1, max: 1000 });
    const statusText = args.string("status");
    const status = statusText === undefined ? undefined : parseStatus(statusText);
    const name = args.string("name");
    const cursor = args.string("cursor");
    const store = await openReader(targetOf(args).kvPath);
    let page;
    try {
      page = await new LoomReader(store.kv, store.where).runPage({
        limit,
        ...(status === undefined ? {} : { status }),
        ...(name === undefined ? {} : { name }),
        ...(cursor === undefined ? {} : { cursor }),
      });
    } catch (e) {
      if (cursor !== undefined) {
        throw new CliError(`Invalid value "${cursor}" for --cursor: ${(e as Error).message}`);
      }
      throw e;
    } finally {
      store.close();
    }
    if (args.flag("json")) {
      const out: ListJson = {
        workflows: page.items.map(workflowJson),
        cursor: page.cursor ?? null,
      };
      io.out(JSON.stringify(out, null, 2));
      return 0;
    }
    if (page.items.length === 0) {
      io.out(io.style.yellow("No workflows found"));
      return 0;
    }
    const s = io.style;
    io.out(s.bold(s.magenta("Workflows")));
    const cut = io.outIsTerminal && !args.flag("wide");
    const width = (max: number) => cut ? { maxWidth: max } : {};
    const lines = formatTable<WorkflowRecord>(
      [
        { header: "ID", value: (r) => r.id, ...width(40), color: (t) => s.dim(t) },
        { header: "Name", value: (r) => r.name, ...width(30), color: (t) => s.cyan(t) },
        { header: "Version", value: (r) => r.version, ...width(12) },
        { header: "Status", value: (r) => r.status, color: (t) => colorStatus(s, t) },
        { header: "Created", value: (r) => formatTime(r.createdAt), color: (t) => s.green(t) },
        { header: "Duration", value: duration, align: "right" },
      ],
      page.items,
      s,
    );
    for (const line of lines) io.out(line);
    const count = `${page.items.length} run${page.items.length === 1 ? "" : "s"}`;
    io.out(
      s.dim(page.cursor === undefined ? count : `${count}; more with --cursor ${page.cursor}`),
    );
    return 0;
  },
};
