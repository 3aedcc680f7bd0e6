/**
 * Where the CLI writes and reads: the process's streams and environment, or memory in tests.
 *
 * @module
 */

import { colorEnabled, createStyle, type Style } from "./style.ts";

/** The CLI's view of its terminal and environment. */
export interface Io {
  /** Writes a line to stdout. */
  out(line?: string): void;
  /** Writes a line to stderr. */
  err(line?: string): void;
  /** Writes text to stderr as is (status lines, prompts). */
  writeErr(text: string): void;
  /** Colours for stdout. */
  readonly style: Style;
  /** Colours for stderr. */
  readonly errStyle: Style;
  /** Whether stdout is a terminal (tables may then cut long cells to fit). */
  readonly outIsTerminal: boolean;
  /** Whether stderr is a terminal (status lines and spinners go there). */
  readonly errIsTerminal: boolean;
  /** Whether stdin is a terminal (else prompts echo the answer they read). */
  readonly inIsTerminal: boolean;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** Reads one line of stdin; `null` at its end. */
  readLine(): Promise<string | null>;
}

const encoder = new TextEncoder();

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  try {
    while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
  } catch (e) {
    // The reader went away (`loom list | head -1`): the rest of the output is not wanted.
    if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
  }
}

function envReader(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * The process's streams and environment.
 *
 * @returns The {@linkcode Io}.
 */
export function systemIo(): Io {
  const outIsTerminal = Deno.stdout.isTerminal();
  const outColor = colorEnabled(envReader, outIsTerminal);
  const errIsTerminal = Deno.stderr.isTerminal();
  const errColor = colorEnabled(envReader, errIsTerminal);
  let pending = "";
  const decoder = new TextDecoder();
  const reader = { done: false };
  return {
    out: (line = "") => writeAll(Deno.stdout, `${line}\n`),
    err: (line = "") => writeAll(Deno.stderr, `${line}\n`),
    writeErr: (text) => writeAll(Deno.stderr, text),
    style: createStyle(outColor),
    errStyle: createStyle(errColor),
    outIsTerminal,
    errIsTerminal,
    inIsTerminal: Deno.stdin.isTerminal(),
    env: envReader,
    async readLine() {
      while (!pending.includes("\n") && !reader.done) {
        const buf = new Uint8Array(1024);
        const n = await Deno.stdin.read(buf);
        if (n === null) reader.done = true;
        else pending += decoder.decode(buf.subarray(0, n), { stream: true });
      }
      if (pending === "" && reader.done) return null;
      const i = pending.indexOf("\n");
      const line = i < 0 ? pending : pending.slice(0, i);
      pending = i < 0 ? "" : pending.slice(i + 1);
      return line.replace(/\r$/, "");
    },
  };
}

/** An {@linkcode Io} that keeps what is written, for tests. */
export interface MemoryIo extends Io {
  /** Lines written to stdout. */
  readonly stdout: string[];
  /** Text written to stderr. */
  readonly stderr: string[];
}

/**
 * An {@linkcode Io} in memory.
 *
 * @param options Environment, stdin lines, colour, and whether stdout acts as a terminal.
 * @returns The {@linkcode MemoryIo}.
 */
export function memoryIo(
  options: {
    env?: Record<string, string>;
    input?: string[];
    color?: boolean;
    outIsTerminal?: boolean;
  } = {},
): MemoryIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const input = [...(options.input ?? [])];
  return {
    stdout,
    stderr,
    out: (line = "") => stdout.push(line),
    err: (line = "") => stderr.push(line),
    writeErr: (text) => stderr.push(text),
    style: createStyle(options.color ?? false),
    errStyle: createStyle(options.color ?? false),
    outIsTerminal: options.outIsTerminal ?? false,
    errIsTerminal: false,
    inIsTerminal: false,
    env: (name) => options.env?.[name],
    readLine: () => Promise.resolve(input.shift() ?? null),
  };
}
