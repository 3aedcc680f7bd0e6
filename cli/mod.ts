/**
 * Loom's command line. (Minimal: `serve` and `web`; the full command set is wired in here.)
 *
 * @module
 */

import { parseArgs } from "node:util";
import { DEFAULT_MAX_BODY } from "../web/mod.ts";
import { runServe } from "./serve.ts";
import { runWeb } from "./web.ts";

/** Loom's version. */
export const VERSION = "0.1.0";

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new TypeError(`Invalid --${name} ${JSON.stringify(value)}: expected a number`);
  }
  return n;
}

/**
 * Runs the command line.
 *
 * @param args Arguments (without the program name).
 * @returns Exit code.
 */
export async function runCli(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "--version" || command === "-V") {
    console.log(`loom, version ${VERSION}`);
    return 0;
  }
  if (command !== "serve" && command !== "web") {
    console.error(`Unknown command ${JSON.stringify(command ?? "")}: try "serve" or "web"`);
    return 2;
  }
  try {
    const { values } = parseArgs({
      args: rest,
      options: {
        kv: { type: "string", default: Deno.env.get("LOOM_KV") ?? ".loom/loom.kv" },
        module: { type: "string", multiple: true, default: [] },
        host: { type: "string", default: "127.0.0.1" },
        port: { type: "string", default: "8000" },
        token: { type: "string" },
        workers: { type: "string", short: "w" },
        concurrency: { type: "string" },
        "poll-interval": { type: "string", short: "p" },
        "max-body": { type: "string" },
      },
    });
    const token = values.token ?? Deno.env.get("LOOM_TOKEN");
    const common = {
      kvPath: values.kv,
      modules: values.module,
      host: values.host,
      port: number(values.port, "port", 8000),
      pollIntervalMs: number(values["poll-interval"], "poll-interval", 0.5) * 1000,
      maxBody: number(values["max-body"], "max-body", DEFAULT_MAX_BODY),
      ...(token === undefined ? {} : { token }),
    };
    if (command === "web") return await runWeb(common);
    return await runServe({
      ...common,
      workers: number(values.workers, "workers", 0),
      ...(values.concurrency === undefined
        ? {}
        : { concurrency: number(values.concurrency, "concurrency", 256) }),
    });
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  }
}
