/**
 * Runs `main.ts` as a subprocess, as people run the CLI, in a temp folder.
 *
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/** Path of the test fixtures module (workflows `t_seq`, `t_signal`, ...). */
export const FLOWS = new URL("../fixtures/flows.ts", import.meta.url).pathname;

/** What a CLI run printed and returned. */
export interface CliRun {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Options of {@linkcode loom}. */
export interface LoomOptions {
  /** Working folder. */
  cwd: string;
  /** Environment variables to set (others are inherited, except colour and `LOOM_*` ones). */
  env?: Record<string, string>;
  /** Text for stdin. */
  stdin?: string;
}

/**
 * The environment of a CLI subprocess: this process's, without the variables that change the
 * CLI's behaviour, plus `env`.
 *
 * @param env Variables to set.
 * @returns The environment.
 */
export function cliEnv(env: Record<string, string> = {}): Record<string, string> {
  const base = Deno.env.toObject();
  for (const name of Object.keys(base)) {
    if (name.startsWith("LOOM_") || name === "NO_COLOR" || name === "FORCE_COLOR") {
      delete base[name];
    }
  }
  return { ...base, ...env };
}

/**
 * The command that runs the CLI.
 *
 * @param args CLI arguments.
 * @param options Folder, environment, stdin.
 * @returns The command (not spawned).
 */
export function loomCommand(args: string[], options: LoomOptions): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MAIN, ...args],
    cwd: options.cwd,
    env: cliEnv(options.env),
    clearEnv: true,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
}

/**
 * Runs the CLI to its end.
 *
 * @param args CLI arguments.
 * @param options Folder, environment, stdin.
 * @returns Exit code and output.
 */
export async function loom(args: string[], options: LoomOptions): Promise<CliRun> {
  const child = loomCommand(args, options).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}
