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
        once: { type: "boolean", default: false },
      },
    });
    return await serve({ kvPath: values.kv, modules: values.module, once: values.once });
  }
  console.error(`Unknown command ${JSON.stringify(command ?? "")}: try "serve"`);
  return 2;
}
