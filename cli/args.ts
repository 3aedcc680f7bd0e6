/**
 * Command specifications, argument parsing (`node:util` `parseArgs`, strict) with typed reads
 * and messages that name the bad argument, and the `--help` text made from the same spec.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { JsonValue } from "../engine/mod.ts";
import { UsageError } from "./errors.ts";
import type { Style } from "./style.ts";

/** One option of a command. */
export interface OptionSpec {
  /** A string value, or a flag. */
  type: "string" | "boolean";
  /** One-letter alias. */
  short?: string;
  /** May be given several times. */
  multiple?: boolean;
  /** Name of the value in the help (`N`, `PATH`). */
  value?: string;
  /** One line of help. */
  help: string;
  /** The default, as shown in the help. */
  defaultText?: string;
  /** Environment variable read when the option is absent. */
  env?: string;
}

/** A positional argument. */
export interface PositionalSpec {
  /** Name in the help. */
  name: string;
  /** One line of help. */
  help: string;
  /** May be left out (only after the required ones; shown as `[name]`). */
  optional?: boolean;
}

/** What a command accepts, and its help. */
export interface CommandSpec {
  /** Command name. */
  name: string;
  /** One line, shown in `loom --help`. */
  summary: string;
  /** Positional arguments, required unless marked optional. */
  positionals?: PositionalSpec[];
  /** Options (besides `--help`). */
  options: Record<string, OptionSpec>;
  /** Paragraphs shown after the usage line. */
  description?: string[];
  /** Example command lines. */
  examples?: string[];
}

/** `--help`, accepted by every command. */
const HELP: OptionSpec = { type: "boolean", short: "h", help: "Show this help" };

/** Options every command takes. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  kv: {
    type: "string",
    value: "PATH",
    env: "LOOM_KV",
    defaultText: ".loom/loom.kv",
    help: "KV file",
  },
  url: {
    type: "string",
    value: "URL",
    env: "LOOM_URL",
    help: "Loom server; otherwise .loom/server.json when its server answers",
  },
  token: {
    type: "string",
    value: "TOKEN",
    env: "LOOM_TOKEN",
    help: "Bearer token of the server (prefer the env variable: argv is visible to others)",
  },
};

/** Options of the commands that own the file and run workflows (`serve`, `worker`). */
export const ENGINE_OPTIONS: Record<string, OptionSpec> = {
  workers: {
    type: "string",
    short: "w",
    value: "N",
    defaultText: "the number of cores",
    help: "Web Workers of each kind, workflow and activity (0: run the code in this process)",
  },
  concurrency: {
    type: "string",
    short: "c",
    value: "N",
    defaultText: "256",
    help: "Activity attempts running at once",
  },
  "public-url": {
    type: "string",
    value: "URL",
    env: "LOOM_PUBLIC_URL",
    defaultText: "serve: its own address; worker: none (hook URLs are paths)",
    help: "Public URL of the API, which hooks' URLs start with (<URL>/api/hooks/<token>)",
  },
};

/**
 * Reads `--public-url` (env `LOOM_PUBLIC_URL`): an `http:` or `https:` URL.
 *
 * @param args Parsed arguments.
 * @param command The command, for the error.
 * @returns The URL without a trailing slash, or `undefined` when not given.
 * @throws {UsageError} When it is not an http(s) URL.
 */
export function publicUrlOption(args: ParsedArgs, command: string): string | undefined {
  const value = args.string("public-url");
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(
      `Invalid value ${JSON.stringify(value)} for --public-url: expected an http or https URL`,
      command,
    );
  }
  return value.replace(/\/+$/, "");
}

/** `--module`, for commands that run or validate workflows. */
export const MODULE_OPTION: Record<string, OptionSpec> = {
  module: {
    type: "string",
    multiple: true,
    value: "FILE",
    help: "Module that defines workflows and activities (repeatable)",
  },
};

/** `--json`, for read commands. */
export const JSON_OPTION: Record<string, OptionSpec> = {
  json: { type: "boolean", help: "Print JSON for scripts (shape below)" },
};

/** Parsed arguments of one command, read with typed, validating getters. */
export class ParsedArgs {
  readonly #command: string;
  readonly #values: Record<string, string | boolean | string[] | undefined>;
  readonly #spec: CommandSpec;
  readonly #env: (name: string) => string | undefined;
  /** Positional arguments, in order. */
  readonly positionals: string[];

  /**
   * Holds the parsed arguments of one command.
   *
   * @param spec The command.
   * @param values Option values as parsed.
   * @param positionals Positional arguments.
   * @param env Reads an environment variable (for options with `env`).
   */
  constructor(
    spec: CommandSpec,
    values: Record<string, string | boolean | string[] | undefined>,
    positionals: string[],
    env: (name: string) => string | undefined,
  ) {
    this.#spec = spec;
    this.#command = `loom ${spec.name}`;
    this.#values = values;
    this.positionals = positionals;
    this.#env = env;
  }

  #usage(message: string): UsageError {
    return new UsageError(message, this.#spec.name);
  }

  /**
   * A string option, else its environment variable, else `fallback`.
   *
   * @param name Option name.
   * @param fallback Default.
   * @returns The value.
   */
  string(name: string): string | undefined;
  /**
   * A string option, else its environment variable, else `fallback`.
   *
   * @param name Option name.
   * @param fallback Default.
   * @returns The value.
   */
  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined {
    const v = this.#values[name];
    if (typeof v === "string") return v;
    const env = this.#spec.options[name]?.env;
    const fromEnv = env === undefined ? undefined : this.#env(env);
    if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
    return fallback;
  }

  /**
   * A flag.
   *
   * @param name Option name.
   * @returns Whether it was given.
   */
  flag(name: string): boolean {
    return this.#values[name] === true;
  }

  /**
   * A repeatable option.
   *
   * @param name Option name.
   * @returns Its values, in order.
   */
  list(name: string): string[] {
    const v = this.#values[name];
    return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  }

  /**
   * An integer option.
   *
   * @param name Option name.
   * @param fallback Default.
   * @param range Allowed values.
   * @returns The value.
   * @throws {UsageError} When it is not an integer in range.
   */
  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const text = this.string(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    const { min, max } = range;
    if (
      !/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || (min !== undefined && n < min) ||
      (max !== undefined && n > max)
    ) {
      const bounds = min !== undefined && max !== undefined
        ? `an integer from ${min} to ${max}`
        : min !== undefined
        ? `an integer of at least ${min}`
        : "an integer";
      throw this.#usage(`Invalid value "${text}" for --${name}: expected ${bounds}`);
    }
    return n;
  }

  /**
   * A number of seconds, returned in milliseconds.
   *
   * @param name Option name.
   * @param fallbackSeconds Default, in seconds.
   * @returns Milliseconds.
   * @throws {UsageError} When it is not a positive number.
   */
  seconds(name: string, fallbackSeconds: number): number {
    const text = this.string(name);
    if (text === undefined) return Math.round(fallbackSeconds * 1000);
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n) || n <= 0) {
      throw this.#usage(
        `Invalid value "${text}" for --${name}: expected a positive number of seconds`,
      );
    }
    return Math.max(1, Math.round(n * 1000));
  }

  /**
   * A size in bytes (`1048576`, `512KiB`, `10MiB`, `1g`; units are powers of 1024).
   *
   * @param name Option name.
   * @param fallback Default in bytes.
   * @returns Bytes.
   * @throws {UsageError} When it is not a size.
   */
  bytes(name: string, fallback: number): number {
    const text = this.string(name);
    if (text === undefined) return fallback;
    const m = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(text);
    if (m === null || Number(m[1]) <= 0) {
      throw this.#usage(
        `Invalid value "${text}" for --${name}: expected a size such as 1048576, 512KiB or 10MiB`,
      );
    }
    const unit = (m[2] ?? "b").toLowerCase()[0] as string;
    const factor = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1;
    return Math.round(Number(m[1]) * factor);
  }

  /**
   * A JSON option.
   *
   * @param name Option name.
   * @returns The parsed value, or `undefined` when absent.
   * @throws {UsageError} When it is not JSON.
   */
  json(name: string): JsonValue | undefined {
    const text = this.string(name);
    return text === undefined ? undefined : parseJsonArgument(text, `--${name}`, this.#spec.name);
  }

  /**
   * The one value allowed among options that exclude each other.
   *
   * @param names Option names.
   * @throws {UsageError} When more than one is given.
   */
  exclusive(...names: string[]): void {
    const given = names.filter((n) => this.#values[n] !== undefined && this.#values[n] !== false);
    if (given.length > 1) {
      throw this.#usage(
        `Options ${given.map((n) => `--${n}`).join(" and ")} cannot be used together`,
      );
    }
  }

  /** The command, as typed (`loom list`). */
  get command(): string {
    return this.#command;
  }
}

/**
 * Parses a JSON argument.
 *
 * @param text The text.
 * @param what Where it came from, for the message (`--input`, `file "in.json"`).
 * @param command The command, for the message.
 * @returns The value.
 * @throws {UsageError} When it is not JSON.
 */
export function parseJsonArgument(text: string, what: string, command?: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new UsageError(`Invalid JSON in ${what}: ${(e as Error).message}`, command);
  }
}

/**
 * Parses a command's arguments strictly against its spec.
 *
 * @param spec The command.
 * @param args The arguments after the command name.
 * @param env Reads environment variables.
 * @returns The parsed arguments, or `"help"` when `--help` (or `-h`) was given, whatever else was.
 * @throws {UsageError} On an unknown option, a missing value, or a wrong number of positionals.
 */
export function parseCommand(
  spec: CommandSpec,
  args: string[],
  env: (name: string) => string | undefined,
): ParsedArgs | "help" {
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean }
  > = { help: { type: "boolean", short: "h" } };
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = {
      type: o.type,
      ...(o.short === undefined ? {} : { short: o.short }),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  const end = args.indexOf("--");
  const flags = end < 0 ? args : args.slice(0, end);
  if (flags.includes("--help") || flags.includes("-h")) return "help";
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(describeParseError(e, spec), spec.name);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help === true) return "help";
  const wanted = spec.positionals ?? [];
  if (parsed.positionals.length > wanted.length) {
    const extra = parsed.positionals[wanted.length] as string;
    throw new UsageError(`Unexpected argument "${extra}" for "loom ${spec.name}"`, spec.name);
  }
  const required = wanted.filter((p) => !p.optional).length;
  if (parsed.positionals.length < required) {
    const missing = wanted[parsed.positionals.length] as PositionalSpec;
    throw new UsageError(`Missing argument <${missing.name}> for "loom ${spec.name}"`, spec.name);
  }
  return new ParsedArgs(spec, values, parsed.positionals, env);
}

function describeParseError(e: unknown, spec: CommandSpec): string {
  const error = e as { code?: string; message?: string };
  const message = String(error.message ?? e);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  const command = `"loom ${spec.name}"`;
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const option = quoted ?? message;
      return `Unknown option "${option}" for ${command}`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const flag = /--([\w-]+)/.exec(message)?.[1];
      const option = flag === undefined ? undefined : spec.options[flag];
      if (option?.type === "boolean") return `Option "--${flag}" of ${command} takes no value`;
      return `Option "--${flag ?? quoted}" of ${command} needs a value`;
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `Unexpected argument "${quoted ?? message}" for ${command}`;
    default:
      return `Cannot read the arguments of ${command}: ${message}`;
  }
}

/**
 * The `--help` text of a command.
 *
 * @param spec The command.
 * @param style Colours.
 * @returns The lines.
 */
export function commandHelp(spec: CommandSpec, style: Style): string[] {
  const positionals = (spec.positionals ?? []).map((p) =>
    p.optional ? `[${p.name}]` : `<${p.name}>`
  )
    .join(" ");
  const lines = [
    `${style.bold("Usage:")} loom ${spec.name}${
      positionals === "" ? "" : ` ${positionals}`
    } [options]`,
    "",
    spec.summary,
  ];
  for (const paragraph of spec.description ?? []) lines.push("", paragraph);
  if ((spec.positionals ?? []).length > 0) {
    lines.push("", style.bold("Arguments:"));
    lines.push(
      ...optionRows(
        (spec.positionals ?? []).map((p) => [p.optional ? `[${p.name}]` : `<${p.name}>`, p.help]),
      ),
    );
  }
  const rows: [string, string][] = [];
  for (const [name, o] of Object.entries({ ...spec.options, help: HELP })) {
    const flag = `${o.short === undefined ? "    " : `-${o.short}, `}--${name}${
      o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""
    }`;
    const notes = [
      o.env === undefined ? undefined : `env ${o.env}`,
      o.defaultText === undefined ? undefined : `default ${o.defaultText}`,
    ].filter((n) => n !== undefined);
    rows.push([flag, `${o.help}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`]);
  }
  lines.push("", style.bold("Options:"), ...optionRows(rows));
  if ((spec.examples ?? []).length > 0) {
    lines.push("", style.bold("Examples:"), ...(spec.examples ?? []).map((e) => `  ${e}`));
  }
  return lines;
}

function optionRows(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`);
}
