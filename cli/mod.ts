/**
 * Loom's command line.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { serve } from "./serve.ts";

/** Loom's version. */
export const VERSION = "0.1.0";

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
  if (command === "serve") {
    const { values } = parseArgs({
      args: rest,
      options: {
        kv: { type: "string", default: Deno.env.get("LOOM_KV") ?? ".loom/loom.kv" },
        module: { type: "string", multiple: true, default: [] },
        workers: { type: "string", default: String(navigator.hardwareConcurrency) },
        concurrency: { type: "string", default: "256" },
        once: { type: "boolean", default: false },
      },
    });
    const workers = Number(values.workers);
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(workers) || workers < 0) {
      console.error(`Invalid --workers ${JSON.stringify(values.workers)}: use 0 or more`);
      return 2;
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      console.error(`Invalid --concurrency ${JSON.stringify(values.concurrency)}: use 1 or more`);
      return 2;
    }
    return await serve({
      kvPath: values.kv,
      modules: values.module,
      workers,
      concurrency,
      once: values.once,
    });
  }
  console.error(`Unknown command ${JSON.stringify(command ?? "")}: try "serve"`);
  return 2;
}
