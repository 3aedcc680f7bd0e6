/**
 * `loom schedule <action> [id]`: creates, lists, pauses, resumes, triggers and deletes
 * schedules (runs started on a cron expression), through the server or straight in the KV file
 * (the owner of a schedule's partition fires it).
 *
 * @module
 */

import {
  defaultRegistry,
  InvalidArgumentError,
  InvalidPayloadError,
  loadModules,
  SCHEDULE_CATCHUPS,
  SCHEDULE_OVERLAPS,
  ScheduleAlreadyExistsError,
  type ScheduleCatchup,
  type ScheduleInfo,
  type ScheduleOverlap,
  WorkflowDefinitionNotFoundError,
} from "../../engine/mod.ts";
import { COMMON_OPTIONS, MODULE_OPTION, type ParsedArgs } from "../args.ts";
import { openClient } from "../client.ts";
import { UsageError } from "../errors.ts";
import { formatTime } from "../format.ts";
import type { Io } from "../io.ts";
import type { ScheduleJson } from "../json_shapes.ts";
import { formatTable } from "../table.ts";
import { targetOf } from "../target.ts";
import type { Command } from "./command.ts";

const ACTIONS = ["create", "list", "pause", "resume", "trigger", "delete"] as const;
type Action = typeof ACTIONS[number];

/** Options only `create` takes. */
const CREATE_ONLY = ["cron", "workflow", "input", "overlap", "catchup", "timezone", "module"];

/** What the CLI prints when no process owns the KV file. */
const NO_OWNER =
  "no process owns the KV file: schedules fire once an owner (loom serve or loom worker) runs";

const iso = (t: number | undefined) => t === undefined ? null : new Date(t).toISOString();

/**
 * A schedule as `--json` prints it.
 *
 * @param s The schedule.
 * @returns Its JSON.
 */
export function scheduleJson(s: ScheduleInfo): ScheduleJson {
  return {
    id: s.id,
    cron: s.cron,
    timezone: s.timezone,
    workflow: s.workflow,
    input: s.input,
    overlap: s.overlap,
    catchup: s.catchup,
    paused: s.paused,
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
    nextFireAt: iso(s.nextFireAt),
    lastFireAt: iso(s.lastFireAt),
    lastRunId: s.lastRunId ?? null,
    bufferedFireAt: iso(s.bufferedFireAt),
    fires: s.fires,
    skipped: s.skipped,
    lastError: s.lastError ?? null,
  };
}

function choice<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[]) {
  const v = args.string(name);
  if (v === undefined || (allowed as readonly string[]).includes(v)) return v as T | undefined;
  throw new UsageError(
    `Invalid value "${v}" for --${name}: expected one of ${allowed.join(", ")}`,
    "schedule",
  );
}

/** Reads the action and id, and refuses options that the action does not take. */
function actionOf(args: ParsedArgs): { action: Action; id: string } {
  const [action, id] = args.positionals as [string, string | undefined];
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(
      `Unknown action "${action}" for "loom schedule": expected one of ${ACTIONS.join(", ")}`,
      "schedule",
    );
  }
  if (action === "list" && id !== undefined) {
    throw new UsageError(`Unexpected argument "${id}" for "loom schedule list"`, "schedule");
  }
  if (action !== "list" && (id === undefined || id === "")) {
    throw new UsageError(`Missing argument <id> for "loom schedule ${action}"`, "schedule");
  }
  if (action !== "create") {
    const wrong = CREATE_ONLY.find((o) => args.string(o) !== undefined || args.list(o).length > 0);
    if (wrong !== undefined) {
      throw new UsageError(`Option --${wrong} is for "loom schedule create" only`, "schedule");
    }
  }
  return { action: action as Action, id: id ?? "" };
}

/** What a bad `create` gets: exit code 2 (the command line cannot be used as it is). */
function badInput(e: unknown): unknown {
  const bad = e instanceof InvalidArgumentError || e instanceof InvalidPayloadError ||
    e instanceof WorkflowDefinitionNotFoundError || e instanceof ScheduleAlreadyExistsError;
  return bad ? new UsageError((e as Error).message, "schedule") : e;
}

function printList(io: Io, all: ScheduleInfo[]): void {
  if (all.length === 0) {
    io.out(io.style.yellow("No schedules"));
    return;
  }
  const s = io.style;
  const time = (t: number | undefined) => t === undefined ? "-" : formatTime(t);
  const lines = formatTable<ScheduleInfo>(
    [
      { header: "ID", value: (r) => r.id, color: (t) => s.bold(t) },
      { header: "Workflow", value: (r) => r.workflow, color: (t) => s.cyan(t) },
      { header: "Cron", value: (r) => r.timezone === "UTC" ? r.cron : `${r.cron} (${r.timezone})` },
      { header: "Next fire", value: (r) => r.paused ? "paused" : time(r.nextFireAt) },
      { header: "Last fire", value: (r) => time(r.lastFireAt) },
      { header: "Fires", value: (r) => String(r.fires), align: "right" },
      { header: "Skipped", value: (r) => String(r.skipped), align: "right" },
    ],
    all,
    s,
  );
  for (const line of lines) io.out(line);
}

/** See the module doc. */
export const scheduleCommand: Command = {
  spec: {
    name: "schedule",
    summary: "Create, list, pause, resume, trigger or delete schedules (runs on a cron expression)",
    positionals: [
      { name: "action", help: "create, list, pause, resume, trigger or delete" },
      { name: "id", help: "The schedule's id (every action but list)", optional: true },
    ],
    description: [
      "A schedule starts a run of its workflow at each time of a five-field cron expression (minute hour day-of-month month day-of-week), read in UTC or in --timezone. Each fire starts the run <id>@<fire time, ISO 8601>, so a fire starts one run however many processes fire it; trigger starts <id>@<now> at once, also while paused.",
      "--overlap: a fire while the last run still runs is skipped (skip, the default), kept until it ends (buffer_one) or started anyway (allow_all). --catchup: fires missed while no process ran start the latest (one, the default), each, at most 100 (all), or none (none).",
      "Goes to the server given by --url, LOOM_URL or .loom/server.json; otherwise writes to the KV file, whose owner fires the schedule. A bad expression, time zone, policy or input, an unknown workflow or a taken id exits with code 2.",
      'With --json, list prints {"schedules": [...]}; create, pause, resume and the others print the schedule ({"id", "cron", "timezone", "workflow", "input", "overlap", "catchup", "paused", "nextFireAt", "lastFireAt", "lastRunId", "fires", "skipped", ...}); trigger prints {"scheduleId", "workflowId"}; delete {"id", "deleted"}.',
    ],
    options: {
      cron: { type: "string", value: "EXPR", help: "create: the five-field cron expression" },
      workflow: { type: "string", value: "NAME", help: "create: the workflow each fire starts" },
      input: {
        type: "string",
        short: "i",
        value: "JSON",
        defaultText: "null",
        help: "create: the input of each run",
      },
      overlap: {
        type: "string",
        value: "POLICY",
        defaultText: "skip",
        help: "create: skip, buffer_one or allow_all",
      },
      catchup: {
        type: "string",
        value: "POLICY",
        defaultText: "one",
        help: "create: one, all or none",
      },
      timezone: {
        type: "string",
        value: "ZONE",
        defaultText: "UTC",
        help: "create: the IANA time zone of the expression",
      },
      json: { type: "boolean", help: "Print JSON for scripts (shape above)" },
      ...MODULE_OPTION,
      ...COMMON_OPTIONS,
    },
    examples: [
      `loom schedule create nightly-order --cron "0 2 * * *" --workflow OrderProcessing --input '{"orderId":"N1","customerEmail":"ops@example.com"}'`,
      `loom schedule create weekday-9 --cron "0 9 * * MON-FRI" --timezone Europe/Berlin --workflow OrderProcessing --overlap buffer_one`,
      "loom schedule list",
      "loom schedule trigger nightly-order",
      "loom schedule pause nightly-order",
      "loom schedule delete nightly-order",
    ],
  },
  async run(args: ParsedArgs, io: Io): Promise<number> {
    const { action, id } = actionOf(args);
    const json = args.flag("json");
    const print = (value: unknown) => io.out(JSON.stringify(value, null, 2));
    const overlap = choice<ScheduleOverlap>(args, "overlap", SCHEDULE_OVERLAPS);
    const catchup = choice<ScheduleCatchup>(args, "catchup", SCHEDULE_CATCHUPS);
    const cron = args.string("cron");
    const workflow = args.string("workflow");
    if (action === "create") {
      if (cron === undefined) throw new UsageError("Missing option --cron EXPR", "schedule");
      if (workflow === undefined) {
        throw new UsageError("Missing option --workflow NAME", "schedule");
      }
      const modules = args.list("module");
      if (modules.length > 0) {
        await loadModules(modules);
        try {
          defaultRegistry.getWorkflow(workflow);
        } catch (e) {
          throw badInput(e);
        }
      }
    }
    const input = args.json("input");
    const timezone = args.string("timezone");
    await using opened = await openClient(targetOf(args));
    const schedules = opened.client.schedules;
    const s = io.style;
    if (opened.queued && !json) io.err(io.errStyle.yellow(NO_OWNER));
    switch (action) {
      case "create": {
        const created = await schedules.create({
          id,
          cron: cron as string,
          workflow: workflow as string,
          ...(input === undefined ? {} : { input }),
          ...(overlap === undefined ? {} : { overlap }),
          ...(catchup === undefined ? {} : { catchup }),
          ...(timezone === undefined ? {} : { timezone }),
        }).catch((e) => {
          throw badInput(e);
        });
        if (json) print(scheduleJson(created));
        else {
          const next = created.nextFireAt === undefined ? "-" : formatTime(created.nextFireAt);
          io.out(
            `Created schedule ${s.bold(id)}: ${
              s.cyan(created.workflow)
            } at "${created.cron}" (${created.timezone}); next fire ${next} ${
              s.dim(`(via ${opened.via})`)
            }`,
          );
        }
        return 0;
      }
      case "list": {
        const all = await schedules.list();
        if (json) print({ schedules: all.map(scheduleJson) });
        else printList(io, all);
        return 0;
      }
      case "trigger": {
        const handle = await schedules.trigger(id);
        if (json) print({ scheduleId: id, workflowId: handle.workflowId });
        else {io.out(
            `Triggered schedule ${s.bold(id)}: started workflow ${s.bold(handle.workflowId)}`,
          );}
        return 0;
      }
      case "delete": {
        await schedules.delete(id);
        if (json) print({ id, deleted: true });
        else io.out(`Deleted schedule ${s.bold(id)} (the runs it started are kept)`);
        return 0;
      }
      default: {
        const changed = action === "pause" ? await schedules.pause(id) : await schedules.resume(id);
        if (json) print(scheduleJson(changed));
        else if (changed.paused) io.out(`Paused schedule ${s.bold(id)}`);
        else {
          const next = changed.nextFireAt === undefined ? "-" : formatTime(changed.nextFireAt);
          io.out(`Resumed schedule ${s.bold(id)}: next fire ${next}`);
        }
        return 0;
      }
    }
  },
};
