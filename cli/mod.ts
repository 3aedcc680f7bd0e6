/**
 * Loom's command line: `loom <command> [options]`. Every command has `--help`; an unknown
 * command or option, a bad value or bad JSON exits with code 2 and a message naming it; a
 * command that fails exits with code 1.
 *
 * @example
 * ```ts ignore
 * import { runCli } from "./mod.ts";
 * Deno.exit(await runCli(["list", "--status", "running"]));
 * ```
 *
 * @module
 */

import { LoomError } from "../engine/mod.ts";
import { commandHelp, parseCommand } from "./args.ts";
import { COMMANDS } from "./commands/mod.ts";
import type { CommandContext } from "./commands/command.ts";
import { CliError, UsageError } from "./errors.ts";
import { type Io, systemIo } from "./io.ts";
import type { Style } from "./style.ts";

export type { CommandContext } from "./commands/command.ts";
export { CliError, UsageError } from "./errors.ts";
export { type Io, type MemoryIo, memoryIo, systemIo } from "./io.ts";
export type {
  BackupJson,
  EventJson,
  InspectJson,
  ListJson,
  LogJson,
  ScheduleJson,
  StartJson,
  StatsJson,
  WorkflowJson,
} from "./json_shapes.ts";
export type { Style } from "./style.ts";

/** Loom's version, as `loom --version` prints it. */
export const VERSION = "0.1.0";

function mainHelp(style: Style): string[] {
  const width = Math.max(...[...COMMANDS.keys()].map((n) => n.length));
  return [
    `${style.bold("Usage:")} loom <command> [options]`,
    "",
    "Loom: durable workflows for Deno.",
    "",
    style.bold("Commands:"),
    ...[...COMMANDS.values()].map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    "",
    style.bold("Options:"),
    "  -h, --help     Show this help (loom <command> --help for a command's)",
    "  -V, --version  Show the version",
    "",
    "Every command takes --kv PATH (env LOOM_KV, default .loom/loom.kv), --url URL (env LOOM_URL)",
    "and --token TOKEN (env LOOM_TOKEN). Colour is off with NO_COLOR or when not a terminal.",
  ];
}

/** Edit distance where swapping two neighbouring letters counts as one edit. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(
        at(i - 1, j) + 1,
        at(i, j - 1) + 1,
        at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

function suggestion(name: string): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of COMMANDS.keys()) {
    const d = distance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best === undefined ? "" : `: did you mean "${best}"?`;
}

function report(io: Io, error: unknown): number {
  const s = io.errStyle;
  if (error instanceof UsageError) {
    io.err(`${s.red("Error:")} ${error.message}`);
    io.err(s.dim(`Run "loom ${error.command ?? ""}${error.command ? " " : ""}--help" for usage`));
    return 2;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  const code = e instanceof LoomError ? ` ${s.dim(`[${e.code}]`)}` : "";
  io.err(`${s.red("Error:")} ${e.message}${code}`);
  if (!(e instanceof CliError) && !(e instanceof LoomError) && io.env("LOOM_DEBUG")) {
    io.err(s.dim(e.stack ?? ""));
  }
  return 1;
}

/**
 * Runs the command line.
 *
 * @param args Arguments (without the program name).
 * @param io Where to write and read. @default the process's streams
 * @param context Stops long-running commands when its signal aborts.
 * @returns Exit code: 0 on success, 1 when the command failed, 2 for a bad command line.
 */
export async function runCli(
  args: string[],
  io: Io = systemIo(),
  context: CommandContext = {},
): Promise<number> {
  const [name, ...rest] = args;
  try {
    if (name === "--version" || name === "-V" || name === "version") {
      io.out(`loom, version ${VERSION}`);
      return 0;
    }
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      const topic = name === "help" ? rest[0] : undefined;
      if (topic !== undefined) {
        const command = COMMANDS.get(topic);
        if (command === undefined) {
          throw new UsageError(`Unknown command "${topic}"${suggestion(topic)}`);
        }
        for (const line of commandHelp(command.spec, io.style)) io.out(line);
        return 0;
      }
      for (const line of mainHelp(name === undefined ? io.errStyle : io.style)) {
        if (name === undefined) io.err(line);
        else io.out(line);
      }
      return name === undefined ? 2 : 0;
    }
    if (name.startsWith("-")) {
      throw new UsageError(
        `Unknown option "${name}": options come after the command (loom <command> [options])`,
      );
    }
    const command = COMMANDS.get(name);
    if (command === undefined) throw new UsageError(`Unknown command "${name}"${suggestion(name)}`);
    const parsed = parseCommand(command.spec, rest, io.env);
    if (parsed === "help") {
      for (const line of commandHelp(command.spec, io.style)) io.out(line);
      return 0;
    }
    return await command.run(parsed, io, context);
  } catch (e) {
    return report(io, e);
  }
}
