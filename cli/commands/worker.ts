/**
 * `loom worker`: the owner of the KV file without HTTP. Runs workflows until SIGINT or
 * SIGTERM, with a live status line on a terminal, then stops gracefully and prints its
 * statistics.
 *
 * @module
 */

import { sharedWith } from "../sharing.ts";
import { createEngine, type Engine, type EngineChange, OwnerLeaseError } from "../../engine/mod.ts";
import { EXAMPLES_URL, stoppedWhileStarting } from "../serve.ts";
import { startUnlessStopped, watchStop } from "../_stop.ts";
import {
  COMMON_OPTIONS,
  ENGINE_OPTIONS,
  MODULE_OPTION,
  type ParsedArgs,
  publicUrlOption,
} from "../args.ts";
import { CliError } from "../errors.ts";
import { colorLevel, formatDuration } from "../format.ts";
import type { Io } from "../io.ts";
import { StatusLine } from "../status_line.ts";
import { formatPairs } from "../table.ts";
import { targetOf } from "../target.ts";
import type { Command, CommandContext } from "./command.ts";

/** Options of {@linkcode runWorker}. */
export interface WorkerOptions {
  /** KV file to own. */
  kvPath: string;
  /** Workflow modules; the bundled examples when empty. */
  modules: string[];
  /** Web Workers (`0`: run the code in this process). */
  workers: number;
  /** Activity attempts running at once. @default the engine's */
  concurrency?: number;
  /** How often the inbox (and timer index) is read, in ms. */
  pollIntervalMs: number;
  /** Public URL of the API (a `loom web`), which hooks' URLs start with. */
  publicUrl?: string;
  /** Stops the worker, like SIGINT. */
  signal?: AbortSignal;
}

/** What a worker did, counted from the engine's changes. */
export interface WorkerCounts {
  /** Runs started. */
  started: number;
  /** Runs completed. */
  completed: number;
  /** Runs failed. */
  failed: number;
  /** Runs cancelled. */
  cancelled: number;
  /** Activity calls completed. */
  activities: number;
  /** Activity calls failed after their last attempt. */
  activityFailures: number;
  /** Events recorded. */
  events: number;
}

const time = () => new Date().toTimeString().slice(0, 8);

/**
 * Counts what a change did, and describes the runs it started and ended.
 *
 * @returns Lines for runs started, and lines for runs ended.
 */
function count(counts: WorkerCounts, change: EngineChange): { started: string[]; ended: string[] } {
  const started: string[] = [];
  const ended: string[] = [];
  const run = `${change.name} ${change.workflowId}`;
  for (const e of change.events) {
    counts.events++;
    switch (e.type) {
      case "WORKFLOW_STARTED":
        counts.started++;
        started.push(`started   ${run}`);
        break;
      case "WORKFLOW_COMPLETED":
        counts.completed++;
        ended.push(`completed ${run}`);
        break;
      case "WORKFLOW_FAILED":
        counts.failed++;
        ended.push(`failed    ${run}: ${String((e.payload as { error?: string }).error ?? "")}`);
        break;
      case "WORKFLOW_CANCELLED":
        counts.cancelled++;
        ended.push(`cancelled ${run}`);
        break;
      case "ACTIVITY_COMPLETED":
        counts.activities++;
        break;
      case "ACTIVITY_FAILED":
        counts.activityFailures++;
        break;
    }
  }
  return { started, ended };
}

function colorLine(io: Io, line: string): string {
  const s = io.style;
  if (line.startsWith("completed")) return s.green(line);
  if (line.startsWith("failed")) return s.red(line);
  if (line.startsWith("cancelled")) return s.dim(line);
  return line;
}

/**
 * Runs the owner until stopped.
 *
 * @param options File, modules, timings.
 * @param io Where to write.
 * @returns The exit code.
 * @throws {CliError} When another live process owns the file.
 */
export async function runWorker(options: WorkerOptions, io: Io): Promise<number> {
  const s = io.style;
  io.out(s.bold(s.green("Starting Loom workflow worker...")));
  const modules = options.modules.length > 0 ? options.modules : [EXAMPLES_URL];
  const status = new StatusLine(io);
  using stop = watchStop(options.signal === undefined ? {} : { signal: options.signal });
  let engine: Engine;
  try {
    const starting = await startUnlessStopped(
      createEngine({
        kvPath: options.kvPath,
        modules,
        workers: options.workers,
        pollIntervalMs: options.pollIntervalMs,
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
        onError: (e) => status.print(`${time()} ${s.red("error")} ${e.message}`),
      }),
      stop,
      (late) => late.close(),
    );
    if ("stopped" in starting) return stoppedWhileStarting(starting.stopped, (l) => io.out(l));
    engine = starting.started;
  } catch (e) {
    if (e instanceof OwnerLeaseError) throw new CliError(e.message);
    throw e;
  }
  const started = Date.now();
  io.out(
    `Workflow worker owns ${s.bold(options.kvPath)}${sharedWith(engine.health())} ${
      s.dim(`(pid ${Deno.pid})`)
    }`,
  );
  if (options.modules.length === 0) {
    io.out(s.dim("No --module given: running the bundled example workflows"));
  } else {
    io.out(`Modules: ${options.modules.join(", ")}`);
  }
  io.out(`Polling interval: ${options.pollIntervalMs / 1000}s`);
  io.out(s.dim("Press Ctrl-C to stop"));
  const counts: WorkerCounts = {
    started: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
    activities: 0,
    activityFailures: 0,
    events: 0,
  };
  const unsubscribe = engine.subscribe((change) => {
    const { started: begun, ended } = count(counts, change);
    const at = s.dim(time());
    for (const line of begun) status.print(`${at} ${colorLine(io, line)}`);
    for (const log of change.logs) {
      const id = s.dim(`[${change.workflowId.slice(0, 8)}]`);
      status.print(`${at} ${id} ${colorLevel(s, log.level)} ${log.message}`);
    }
    for (const line of ended) status.print(`${at} ${colorLine(io, line)}`);
  });
  const refresh = () => {
    const e = engine.stats();
    status.set(
      `running ${e.running} · activities ${e.activities} · timers ${e.timers} · completed ${counts.completed} · failed ${counts.failed} · up ${
        formatDuration(Date.now() - started)
      }`,
    );
  };
  const ticker = status.enabled ? setInterval(refresh, 250) : undefined;
  if (status.enabled) {
    refresh();
    status.start();
  }
  // Another process took the owner lease: stop, and exit non-zero so a supervisor restarts us.
  const why = await Promise.race([stop.stopped, engine.lost.then(() => "lease-lost" as const)]);
  if (ticker !== undefined) clearInterval(ticker);
  status.stop();
  if (why === "lease-lost") {
    io.err(s.red("error: this process lost the owner lease to another process: stopping"));
  } else if (why !== "abort") io.out(s.yellow(`Received ${why}`));
  io.out("Shutting down gracefully...");
  unsubscribe();
  await engine.close();
  io.out();
  io.out(s.bold("Worker Statistics:"));
  const pairs: [string, string][] = [
    ["Uptime", formatDuration(Date.now() - started)],
    ["Runs started", String(counts.started)],
    ["Runs completed", String(counts.completed)],
    ["Runs failed", String(counts.failed)],
    ["Runs cancelled", String(counts.cancelled)],
    ["Activities completed", String(counts.activities)],
    ["Activities failed", String(counts.activityFailures)],
    ["Events recorded", String(counts.events)],
  ];
  for (const line of formatPairs(pairs, s, 2)) io.out(line);
  io.out(s.green("Worker shutdown complete"));
  return why === "lease-lost" ? 1 : 0;
}

/** See the module doc. */
export const workerCommand: Command = {
  spec: {
    name: "worker",
    summary: "Run workflows: own the KV file without serving HTTP",
    description: [
      "Holds the owner lease of the KV file until stopped (Ctrl-C or SIGTERM), carries out what other processes leave in its inbox (loom start/signal/cancel), then stops gracefully and prints statistics. Only one owner runs per file.",
      "With no --module it runs the bundled example workflows.",
    ],
    options: {
      ...ENGINE_OPTIONS,
      "poll-interval": {
        type: "string",
        short: "p",
        value: "SECONDS",
        defaultText: "0.5",
        help: "How often the inbox and the timer index are read",
      },
      ...MODULE_OPTION,
      ...COMMON_OPTIONS,
    },
    examples: ["loom worker --module ./workflows.ts", "loom worker -p 0.2 --kv data/loom.kv"],
  },
  run(args: ParsedArgs, io: Io, context: CommandContext): Promise<number> {
    const options: WorkerOptions = {
      kvPath: targetOf(args).kvPath,
      modules: args.list("module"),
      workers: args.int("workers", navigator.hardwareConcurrency, { min: 0, max: 256 }),
      pollIntervalMs: args.seconds("poll-interval", 0.5),
    };
    if (args.string("concurrency") !== undefined) {
      options.concurrency = args.int("concurrency", 256, { min: 1 });
    }
    const publicUrl = publicUrlOption(args, "worker");
    if (publicUrl !== undefined) options.publicUrl = publicUrl;
    if (context.signal !== undefined) options.signal = context.signal;
    return runWorker(options, io);
  },
};
