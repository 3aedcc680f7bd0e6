/**
 * `loom start <workflow>`: starts a run through the server or the owner's inbox, and with
 * `--wait` follows it to its end and prints its result.
 *
 * @module
 */

import {
  defaultRegistry,
  type JsonValue,
  loadModules,
  serializeError,
  type WorkflowHandle,
} from "../../engine/mod.ts";
import { COMMON_OPTIONS, MODULE_OPTION, type ParsedArgs, parseJsonArgument } from "../args.ts";
import { openClient, QUEUED } from "../client.ts";
import { UsageError } from "../errors.ts";
import { colorStatus, formatDuration } from "../format.ts";
import type { Io } from "../io.ts";
import type { StartJson } from "../json_shapes.ts";
import { StatusLine } from "../status_line.ts";
import { targetOf } from "../target.ts";
import type { Command, CommandContext } from "./command.ts";

async function readInput(args: ParsedArgs, io: Io): Promise<JsonValue> {
  args.exclusive("input", "input-file");
  const inline = args.json("input");
  if (inline !== undefined) return inline;
  const file = args.string("input-file");
  if (file === undefined) return {};
  let text: string;
  try {
    if (file === "-") {
      const lines: string[] = [];
      for (let line = await io.readLine(); line !== null; line = await io.readLine()) {
        lines.push(line);
      }
      text = lines.join("\n");
    } else {
      text = await Deno.readTextFile(file);
    }
  } catch (e) {
    throw new UsageError(`Cannot read --input-file "${file}": ${(e as Error).message}`, "start");
  }
  return parseJsonArgument(text, `--input-file "${file}"`, "start");
}

async function follow(
  handle: WorkflowHandle<unknown>,
  name: string,
  io: Io,
  context: CommandContext,
): Promise<StartJson> {
  const started = Date.now();
  using line = new StatusLine(io);
  line.set(
    `${name} ${handle.workflowId}: waiting for the result (Ctrl-C stops waiting, not the run)`,
  );
  line.start();
  let polling = line.enabled;
  const progress = (async () => {
    while (polling) {
      try {
        const info = await handle.info();
        line.set(
          `${name} ${handle.workflowId} ${
            colorStatus(io.errStyle, info.status)
          } · ${info.eventCount} events · ${formatDuration(Date.now() - started)}`,
        );
      } catch {
        // The next poll tries again; the result below reports real failures.
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  try {
    const result = await handle.result(
      context.signal === undefined ? {} : { signal: context.signal },
    );
    return { workflowId: handle.workflowId, status: "COMPLETED", result };
  } catch (e) {
    const error = serializeError(e);
    const status = await handle.status().catch(() => "UNKNOWN");
    return {
      workflowId: handle.workflowId,
      status,
      error: { code: error.code ?? null, name: error.name, message: error.message },
    };
  } finally {
    polling = false;
    await progress;
  }
}

/** See the module doc. */
export const startCommand: Command = {
  spec: {
    name: "start",
    summary: "Start a workflow run (through the server, or the owner's inbox)",
    positionals: [{ name: "workflow", help: "Workflow name" }],
    description: [
      "Goes to the server given by --url, LOOM_URL or .loom/server.json; otherwise writes to the inbox of the KV file, which its owner (loom serve or loom worker) carries out.",
      "Starting an id that exists returns that run. Prints the run's id; with --wait, follows the run and prints its result (exit code 1 when it fails or is cancelled).",
      'With --json it prints {"workflowId", "status"}, plus "result" or "error" ({"code", "name", "message"}) with --wait.',
    ],
    options: {
      input: {
        type: "string",
        short: "i",
        value: "JSON",
        defaultText: "{}",
        help: "The run's input",
      },
      "input-file": {
        type: "string",
        value: "FILE",
        help: "Read the input from a JSON file (- for stdin)",
      },
      id: { type: "string", value: "ID", help: "The run's id (default: a random UUID)" },
      version: {
        type: "string",
        value: "VERSION",
        help: "Definition version (default: the newest the owner has)",
      },
      wait: { type: "boolean", short: "w", help: "Wait for the run to end and print its result" },
      timeout: {
        type: "string",
        value: "SECONDS",
        help: "With --wait: give up after this long (exit 1; the run goes on)",
      },
      json: { type: "boolean", help: "Print JSON for scripts (shape above)" },
      ...MODULE_OPTION,
      ...COMMON_OPTIONS,
    },
    examples: [
      `loom start OrderProcessing --input '{"orderId":"A1","customerEmail":"a@b.c"}' --wait`,
      "loom start ApprovalWorkflow --id refund-42 --input-file request.json",
    ],
  },
  async run(args: ParsedArgs, io: Io, context: CommandContext): Promise<number> {
    const name = args.positionals[0] as string;
    const input = await readInput(args, io);
    const workflowId = args.string("id");
    const version = args.string("version");
    if (workflowId === "") {
      throw new UsageError('Invalid value "" for --id: it must not be empty', "start");
    }
    const modules = args.list("module");
    if (modules.length > 0) {
      await loadModules(modules);
      defaultRegistry.getWorkflow(name, version);
    }
    await using opened = await openClient(targetOf(args));
    const handle = await opened.client.start<unknown>(name, input, {
      ...(workflowId === undefined ? {} : { workflowId }),
      ...(version === undefined ? {} : { version }),
    });
    const s = io.style;
    if (opened.queued && !args.flag("json")) io.err(io.errStyle.yellow(QUEUED));
    if (!args.flag("wait")) {
      if (args.flag("json")) {
        const status = await handle.status();
        io.out(
          JSON.stringify({ workflowId: handle.workflowId, status } satisfies StartJson, null, 2),
        );
      } else {
        io.out(
          `Started workflow ${s.cyan(name)} with id ${s.bold(handle.workflowId)} ${
            s.dim(`(via ${opened.via})`)
          }`,
        );
      }
      return 0;
    }
    if (!args.flag("json")) {
      io.err(
        io.errStyle.dim(
          `Started workflow ${name} with id ${handle.workflowId} (via ${opened.via})`,
        ),
      );
    }
    const timeout = args.string("timeout");
    const seconds = timeout === undefined ? undefined : Number(timeout);
    if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) {
      throw new UsageError(
        `Invalid value "${timeout}" for --timeout: give seconds above 0`,
        "start",
      );
    }
    const limit = seconds === undefined ? undefined : AbortSignal.timeout(seconds * 1000);
    const signal = limit === undefined
      ? context.signal
      : context.signal === undefined
      ? limit
      : AbortSignal.any([context.signal, limit]);
    const outcome = await follow(
      handle,
      name,
      io,
      signal === undefined ? context : { ...context, signal },
    );
    if (limit?.aborted && outcome.error !== undefined && outcome.status === "RUNNING") {
      io.err(`${io.errStyle.red("Error:")} the run did not end within ${seconds} s; it goes on`);
      return 1;
    }
    if (args.flag("json")) {
      io.out(JSON.stringify(outcome, null, 2));
    } else if (outcome.error === undefined) {
      io.err(io.errStyle.green(`Workflow ${handle.workflowId} completed`));
      io.out(JSON.stringify(outcome.result, null, 2));
    } else {
      io.err(`${io.errStyle.red("Error:")} ${outcome.error.message}`);
    }
    return outcome.error === undefined ? 0 : 1;
  },
};
