/**
 * `loom serve`: the owner process. Runs the engine on a KV file with the given modules (the
 * bundled examples when none are given) and prints what happens.
 *
 * @module
 */

import { createEngine, type EngineChange } from "../engine/mod.ts";
import { startExamples } from "../examples/mod.ts";

/** Options of {@linkcode serve}. */
export interface ServeOptions {
  /** KV file. */
  kvPath: string;
  /** Workflow modules; the examples when empty. */
  modules: string[];
  /** Stop after the examples finish (for scripts). */
  once?: boolean;
  /** Where to print. */
  print?: (line: string) => void;
}

function describe(change: EngineChange): string {
  const types = change.events.map((e) => e.type).join(", ");
  return `${change.name} ${change.workflowId} ${change.status}: ${types}`;
}

/**
 * Runs the owner until SIGINT/SIGTERM (or, with `once`, until the examples end).
 *
 * @param options File, modules, output.
 * @returns Exit code.
 */
export async function serve(options: ServeOptions): Promise<number> {
  const print = options.print ?? ((line: string) => console.log(line));
  const engine = await createEngine({
    kvPath: options.kvPath,
    modules: options.modules,
    onError: (e) => print(`error: ${e.message}`),
  });
  engine.subscribe((change) => {
    print(describe(change));
    for (const log of change.logs) print(`  [${log.level}] ${log.message}`);
  });
  print(`Loom engine owns ${options.kvPath}`);
  const stopped = new Promise<void>((resolve) => {
    const stop = () => resolve();
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  });
  if (options.modules.length === 0) {
    const suffix = `-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    const handles = await startExamples(engine, suffix);
    const approve = setTimeout(() => {
      handles.approval?.signal("approve", { approved: true, by: "admin" }).catch(() => {});
    }, 1000);
    const results = Promise.allSettled(
      Object.entries(handles).map(async ([name, handle]) => {
        try {
          print(`result of ${name}: ${JSON.stringify(await handle.result())}`);
        } catch (e) {
          print(`${name} failed: ${(e as Error).message}`);
        }
      }),
    );
    if (options.once) {
      await results;
      clearTimeout(approve);
      await engine.close();
      return 0;
    }
  }
  await stopped;
  print("Shutting down...");
  await engine.close();
  return 0;
}

/** Options of {@linkcode runServe}: the flags of `loom serve`. */
export interface ServeCommandOptions {
  /** KV file to own. */
  kvPath: string;
  /** Workflow modules; the bundled examples when empty. */
  modules: string[];
  /** Address to bind. */
  host: string;
  /** Port to bind (`0`: any free port). */
  port: number;
  /** Bearer token that requests must carry. */
  token?: string;
  /** Web Workers that run workflow code. */
  workers: number;
  /** Activity attempts running at once. */
  concurrency?: number;
  /** How often the inbox and the timer index are read, in ms. */
  pollIntervalMs: number;
  /** Largest request body, in bytes. */
  maxBody: number;
  /** Where to print. */
  print?: (line: string) => void;
  /** Stops the server. */
  signal?: AbortSignal;
}

/**
 * Runs `loom serve` with its parsed flags. This build has no HTTP API yet, so it runs the owner
 * ({@linkcode serve}) and does not use the HTTP options (`host`, `port`, `token`, `maxBody`).
 *
 * @param options The flags.
 * @returns Exit code.
 */
export function runServe(options: ServeCommandOptions): Promise<number> {
  return serve({
    kvPath: options.kvPath,
    modules: options.modules,
    ...(options.print === undefined ? {} : { print: options.print }),
  });
}
