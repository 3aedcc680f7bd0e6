/**
 * `loom serve`: the owner process with the HTTP API. Runs the engine on a KV file with the given
 * modules (the bundled examples when none are given), serves the API and `/docs`, writes
 * `.loom/server.json` so that other commands find it, and prints what happens.
 *
 * @module
 */

import { sharedWith } from "./sharing.ts";
import { resolve } from "node:path";
import {
  createEngine,
  type Engine,
  type EngineChange,
  InvalidArgumentError,
} from "../engine/mod.ts";
import { EXAMPLES_URL } from "../examples/embed.ts";
import { engineBackend, type LoomServer, startServer } from "../web/mod.ts";
import { SIGNAL_EXIT_CODE, startUnlessStopped, type StopReason, watchStop } from "./_stop.ts";
import { removeServerInfo, serverInfoPath, writeServerInfo } from "./server_info.ts";

/** Options of {@linkcode runServe}. */
export interface ServeCommandOptions {
  /** KV file to own. */
  kvPath: string;
  /** Workflow modules; the bundled examples when empty. */
  modules: string[];
  /** Address to listen on. */
  host: string;
  /** Port; `0` picks a free one. */
  port: number;
  /** Token the API requires (all routes but `/health`). */
  token?: string;
  /** Web Workers that run code (`0`: this isolate). */
  workers: number;
  /** Activity attempts running at once. */
  concurrency?: number;
  /** How often the inbox (and the timer index, when polling) is read, in ms. */
  pollIntervalMs: number;
  /** Largest request body, in bytes. */
  maxBody: number;
  /** Public URL of the API, which hooks' URLs start with. @default the server's own address */
  publicUrl?: string;
  /** Where to print. @default console.log */
  print?: (line: string) => void;
  /** Stops the server (like SIGINT). */
  signal?: AbortSignal;
}

function describe(change: EngineChange): string {
  const types = change.events.map((e) => e.type).join(", ");
  return `${change.name} ${change.workflowId} ${change.status}: ${types}`;
}

/**
 * URL of the bundled examples, loaded only when no `--module` is given (so that they register in
 * every isolate, or in none); a module of the program, so that a bundle loads them too.
 */
export { EXAMPLES_URL };

function runExamples(engine: Engine, print: (line: string) => void): () => void {
  let approve: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const suffix = `-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  import("../examples/mod.ts").then((m) => m.startExamples(engine, suffix)).then((handles) => {
    if (stopped) return;
    approve = setTimeout(() => {
      handles.approval?.signal("approve", { approved: true, by: "admin" }).catch(() => {});
    }, 1000);
    for (const [name, handle] of Object.entries(handles)) {
      handle.result().then(
        (value) => print(`result of ${name}: ${JSON.stringify(value)}`),
        (e: Error) => {
          if (!stopped) print(`${name} failed: ${e.message}`);
        },
      );
    }
  }).catch((e: Error) => print(`error: could not start the examples: ${e.message}`));
  return () => {
    stopped = true;
    clearTimeout(approve);
  };
}

/**
 * Runs the owner with the HTTP API until SIGINT/SIGTERM or `signal`.
 *
 * @param options File, modules, address, token, limits, output.
 * @returns Exit code: 0 after a clean stop, 1 when the engine or server could not start, 2 for a
 * refused option (a non-loopback address without a token).
 */
export async function runServe(options: ServeCommandOptions): Promise<number> {
  const print = options.print ?? ((line: string) => console.log(line));
  using stop = watchStop(options.signal === undefined ? {} : { signal: options.signal });
  let engine: Engine;
  // Hooks made before the server binds still get its URL: it is read at each hook's creation.
  const bound: { url?: string } = {};
  try {
    const starting = await startUnlessStopped(
      createEngine({
        kvPath: options.kvPath,
        modules: options.modules.length > 0 ? options.modules : [EXAMPLES_URL],
        workers: options.workers,
        pollIntervalMs: options.pollIntervalMs,
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        publicUrl: () => options.publicUrl ?? bound.url,
        onError: (e) => print(`error: ${e.message}`),
      }),
      stop,
      (late) => late.close(),
    );
    if ("stopped" in starting) return stoppedWhileStarting(starting.stopped, print);
    engine = starting.started;
  } catch (e) {
    print(`error: ${(e as Error).message}`);
    return e instanceof InvalidArgumentError ? 2 : 1;
  }
  let server: LoomServer;
  try {
    server = await startServer(engineBackend(engine), {
      host: options.host,
      port: options.port,
      maxBody: options.maxBody,
      ...(options.token === undefined ? {} : { token: options.token }),
    });
  } catch (e) {
    print(`error: ${(e as Error).message}`);
    await engine.close();
    return e instanceof InvalidArgumentError ? 2 : 1;
  }
  bound.url = server.url;
  const unsubscribe = engine.subscribe((change) => {
    print(describe(change));
    for (const log of change.logs) print(`  [${log.level}] ${log.message}`);
  });
  const infoPath = serverInfoPath(options.kvPath);
  if (infoPath !== undefined) {
    await writeServerInfo(infoPath, {
      url: server.url,
      pid: Deno.pid,
      kvPath: resolve(options.kvPath),
      startedAt: new Date().toISOString(),
    });
  }
  print(
    `Loom engine owns ${options.kvPath}${sharedWith(engine.health())}${
      options.workers > 0
        ? ` (${options.workers} workflow and ${options.workers} activity Workers)`
        : " (code runs in this process)"
    }`,
  );
  print(
    `API: ${server.url}/api  docs: ${server.url}/docs${options.token ? "  (token required)" : ""}`,
  );
  const stopExamples = options.modules.length === 0 ? runExamples(engine, print) : () => {};
  // Another process took the owner lease: stop, and exit non-zero so a supervisor restarts us.
  const lost = await Promise.race([
    stop.stopped.then(() => false),
    engine.lost.then(() => true),
  ]);
  if (lost) print("error: this process lost the owner lease to another process: stopping");
  print("Shutting down...");
  stopExamples();
  unsubscribe();
  await server.close();
  await engine.close();
  if (infoPath !== undefined) await removeServerInfo(infoPath, Deno.pid);
  return lost ? 1 : 0;
}

/**
 * What a command prints and returns when it is stopped before it has started.
 *
 * @param why What stopped it.
 * @param print Where to print.
 * @returns 0 for an abort, else the signal's exit code.
 */
export function stoppedWhileStarting(why: StopReason, print: (line: string) => void): number {
  print(`Stopped by ${why === "abort" ? "the caller" : why} while starting`);
  return why === "abort" ? 0 : SIGNAL_EXIT_CODE[why];
}
