/**
 * `loom serve` and `loom web`: their flags, turned into the options of `runServe` and `runWeb`.
 *
 * @module
 */

import {
  COMMON_OPTIONS,
  ENGINE_OPTIONS,
  MODULE_OPTION,
  type OptionSpec,
  type ParsedArgs,
  publicUrlOption,
} from "../args.ts";
import { UsageError } from "../errors.ts";
import type { Io } from "../io.ts";
import { runServe, type ServeCommandOptions } from "../serve.ts";
import { targetOf } from "../target.ts";
import { runWeb, type WebCommandOptions } from "../web.ts";
import type { Command, CommandContext } from "./command.ts";

/** Default `--max-body`: 10 MiB. */
export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

const HTTP_OPTIONS: Record<string, OptionSpec> = {
  host: {
    type: "string",
    value: "HOST",
    defaultText: "127.0.0.1",
    help: "Address to bind (not loopback: needs --token)",
  },
  port: {
    type: "string",
    value: "PORT",
    defaultText: "8000",
    help: "Port to bind (0: any free port)",
  },
  "poll-interval": {
    type: "string",
    short: "p",
    value: "SECONDS",
    defaultText: "0.5",
    help: "How often the inbox, timers and live feed poll",
  },
  "max-body": {
    type: "string",
    value: "SIZE",
    defaultText: "10MiB",
    help: "Largest request body (bytes, or with KiB, MiB, GiB)",
  },
  reload: { type: "boolean", help: "Not supported: run deno run --watch -A main.ts ... instead" },
};

function refuseReload(args: ParsedArgs, command: string): void {
  if (args.flag("reload")) {
    throw new UsageError(
      `Option "--reload" of "loom ${command}" is not supported: run "deno run --watch -A main.ts ${command}" to restart on changes`,
      command,
    );
  }
}

function httpOptions(args: ParsedArgs) {
  const target = targetOf(args);
  return {
    kvPath: target.kvPath,
    modules: args.list("module"),
    host: args.string("host", "127.0.0.1"),
    port: args.int("port", 8000, { min: 0, max: 65535 }),
    pollIntervalMs: args.seconds("poll-interval", 0.5),
    maxBody: args.bytes("max-body", DEFAULT_MAX_BODY),
    ...(target.token === undefined ? {} : { token: target.token }),
  };
}

/**
 * Reads the flags of `loom serve`.
 *
 * @param args Parsed arguments.
 * @returns The options of `runServe` (without `print` and `signal`).
 * @throws {UsageError} On a bad value, or `--reload`.
 */
export function serveOptions(args: ParsedArgs): ServeCommandOptions {
  refuseReload(args, "serve");
  const options: ServeCommandOptions = {
    ...httpOptions(args),
    workers: args.int("workers", navigator.hardwareConcurrency, { min: 0, max: 256 }),
  };
  if (args.string("concurrency") !== undefined) {
    options.concurrency = args.int("concurrency", 256, { min: 1 });
  }
  const publicUrl = publicUrlOption(args, "serve");
  if (publicUrl !== undefined) options.publicUrl = publicUrl;
  return options;
}

/**
 * Reads the flags of `loom web`.
 *
 * @param args Parsed arguments.
 * @returns The options of `runWeb` (without `print` and `signal`).
 * @throws {UsageError} On a bad value, or `--reload`.
 */
export function webOptions(args: ParsedArgs): WebCommandOptions {
  refuseReload(args, "web");
  return httpOptions(args);
}

function printer(io: Io): (line: string) => void {
  return (line) => io.out(line);
}

/** `loom serve`. */
export const serveCommand: Command = {
  spec: {
    name: "serve",
    summary:
      "Run workflows and serve the HTTP API: the owner of the KV file, on http://127.0.0.1:8000",
    description: [
      "Writes .loom/server.json so that other commands in this folder use it, and removes it on exit. With no --module it runs the bundled examples.",
      "To restart on code changes, run it under deno run --watch.",
    ],
    options: {
      ...HTTP_OPTIONS,
      ...ENGINE_OPTIONS,
      ...MODULE_OPTION,
      ...COMMON_OPTIONS,
    },
    examples: ["loom serve", "LOOM_TOKEN=secret loom serve --host 0.0.0.0 --module ./workflows.ts"],
  },
  run(args: ParsedArgs, io: Io, context: CommandContext): Promise<number> {
    return runServe({
      ...serveOptions(args),
      print: printer(io),
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    });
  },
};

/** `loom web`. */
export const webCommand: Command = {
  spec: {
    name: "web",
    summary: "Serve the HTTP API from a process that does not own the KV file",
    description: [
      "Reads the KV file directly and hands changes to its owner (loom worker or loom serve) through the inbox; its live feed polls every --poll-interval.",
      "The reference's --reload is not needed: run it under deno run --watch -A main.ts web to restart on changes.",
    ],
    options: { ...HTTP_OPTIONS, ...MODULE_OPTION, ...COMMON_OPTIONS },
    examples: ["loom web --port 8080", "deno run --watch -A main.ts web"],
  },
  run(args: ParsedArgs, io: Io, context: CommandContext): Promise<number> {
    return runWeb({
      ...webOptions(args),
      print: printer(io),
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    });
  },
};
