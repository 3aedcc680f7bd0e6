/**
 * `loom serve`: the owner process. Runs the engine on a KV file with the given modules (the
 * bundled examples when none are given) and prints what happens.
 *
 * @module
 */

import { createEngine, type EngineChange } from "../engine/mod.ts";

/** Options of {@linkcode serve}. */
export interface ServeOptions {
  /** KV file. */
  kvPath: string;
  /** Workflow modules; the examples when empty. */
  modules: string[];
  /** Web Workers of each kind (workflow, activity); 0 runs the code in this isolate. @default 0 */
  workers?: number;
  /** Activity attempts running at once. @default 256 */
  concurrency?: number;
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
  // Imported only when used, so that its definitions are not registered beside the user's
  // (every Worker must register what this isolate registers).
  const examples = options.modules.length === 0 ? await import("../examples/mod.ts") : undefined;
  const engine = await createEngine({
    kvPath: options.kvPath,
    modules: examples === undefined ? options.modules : [examples.EXAMPLES_MODULE],
    workers: options.workers ?? 0,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    onError: (e) => print(`error: ${e.message}`),
  });
  engine.subscribe((change) => {
    print(describe(change));
    for (const log of change.logs) print(`  [${log.level}] ${log.message}`);
  });
  print(
    `Loom engine owns ${options.kvPath}${
      options.workers
        ? ` (${options.workers} workflow and ${options.workers} activity Workers)`
        : ""
    }`,
  );
  const stopped = new Promise<void>((resolve) => {
    const stop = () => resolve();
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  });
  if (examples !== undefined) {
    const suffix = `-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    const handles = await examples.startExamples(engine, suffix);
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
