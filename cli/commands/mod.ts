/**
 * Every `loom` command, in the order `loom --help` lists them.
 *
 * @module
 */

import { cancelCommand } from "./cancel.ts";
import { cleanCommand } from "./clean.ts";
import type { Command } from "./command.ts";
import { initCommand } from "./init.ts";
import { inspectCommand } from "./inspect.ts";
import { listCommand } from "./list.ts";
import { scheduleCommand } from "./schedule.ts";
import { serveCommand, webCommand } from "./serve.ts";
import { signalCommand } from "./signal.ts";
import { startCommand } from "./start.ts";
import { statsCommand } from "./stats.ts";
import { workerCommand } from "./worker.ts";

export type { Command, CommandContext } from "./command.ts";
export type { CommandSpec, OptionSpec, ParsedArgs, PositionalSpec } from "../args.ts";
export { parseStatus } from "./list.ts";
export { findWorkflow } from "./inspect.ts";
export { DEFAULT_MAX_BODY, serveOptions, webOptions } from "./serve.ts";
export type { ServeCommandOptions } from "../serve.ts";
export type { WebCommandOptions } from "../web.ts";
export { runWorker, type WorkerOptions } from "./worker.ts";
export { confirm } from "./clean.ts";
export { readStats } from "./stats.ts";

/** The commands, by name. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map(
  [
    serveCommand,
    workerCommand,
    webCommand,
    initCommand,
    startCommand,
    signalCommand,
    cancelCommand,
    scheduleCommand,
    listCommand,
    inspectCommand,
    statsCommand,
    cleanCommand,
  ].map((c) => [c.spec.name, c]),
);
