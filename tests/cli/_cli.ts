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
    // No lock file: modules imported from the tests' loopback servers must not enter deno.lock.
    args: ["run", "-A", "--no-lock", "--config", CONFIG, MAIN, ...args],
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

/** A CLI process left running (`loom worker`). */
export interface RunningLoom extends AsyncDisposable {
  /** The process. */
  child: Deno.ChildProcess;
  /** Standard output so far. */
  stdout(): string;
  /** Standard error so far. */
  stderr(): string;
  /**
   * Waits until stdout contains `text`.
   *
   * @param text Expected text.
   * @param timeoutMs Give up after.
   */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Sends a signal and waits for the exit. @returns The exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
}

/**
 * Starts the CLI and leaves it running; disposing it kills it.
 *
 * @param args CLI arguments.
 * @param options Folder and environment.
 * @returns The running process.
 */
export function spawnLoom(args: string[], options: LoomOptions): RunningLoom {
  return spawnProcess(loomCommand(args, options), `loom ${args.join(" ")}`);
}

/**
 * Starts a command and leaves it running, collecting its output; disposing it kills it.
 *
 * @param command The command (stdout and stderr piped).
 * @param label Names it in messages.
 * @returns The running process.
 */
export function spawnProcess(command: Deno.Command, label: string): RunningLoom {
  const child = command.spawn();
  let out = "";
  let err = "";
  const pump = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) add(decoder.decode(chunk, { stream: true }));
  };
  const pumped = Promise.all([
    pump(child.stdout, (s) => out += s),
    pump(child.stderr, (s) => err += s),
  ]);
  let exited: number | undefined;
  const status = child.status.then((s) => exited = s.code);
  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    if (exited === undefined) {
      try {
        child.kill(signal);
      } catch {
        // It has just exited.
      }
    }
    const code = await status;
    await pumped;
    return code;
  };
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async waitFor(text, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes(text)) {
        if (exited !== undefined || Date.now() > deadline) {
          throw new Error(
            `Expected "${text}" from ${label}; stdout:\n${out}\nstderr:\n${err}`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop("SIGKILL");
    },
  };
}
