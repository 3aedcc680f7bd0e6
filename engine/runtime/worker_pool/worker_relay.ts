/**
 * The relay: a Web Worker with the Loom Worker's permissions whose only job is to start the
 * `node:worker_threads` Worker that runs the code, with a heap limit, and to tell the main
 * isolate when it ends (an uncaught error, running out of memory, an exit).
 *
 * Why two: a Web Worker whose heap is exhausted takes the whole process down (Deno 2.9: V8's
 * "Reached heap limit", exit 133), while a `node:worker_threads` Worker created with
 * `resourceLimits.maxOldGenerationSizeMb` is stopped alone (`ERR_WORKER_OUT_OF_MEMORY`). A
 * `node:worker_threads` Worker cannot be given permissions: it shares its parent's (revoking one
 * in it revokes it for the parent too). Started inside a Web Worker with narrower permissions, it
 * has exactly those. The code and the main isolate talk over a `MessagePort` of their own, handed
 * to the code at its start, so the relay never sees the traffic.
 *
 * The relay reads nothing that the code sends it (`postMessage` or `parentPort` in the code reach
 * the relay and are dropped), and answers only its first message.
 *
 * @module
 */

import { Worker as NodeWorker } from "node:worker_threads";
import { type SerializedError, serializeError } from "../../errors.ts";

/** Main isolate → relay: its only message. */
export interface RelayStart {
  /** Discriminant. */
  type: "relay";
  /** The port the code talks to the main isolate on (transferred). */
  port: MessagePort;
  /** The module the code's Worker starts from (`worker_entry.ts`, or the bundle). */
  entry: string;
  /** Heap limit of the code's Worker (old generation), in MiB. */
  heapMb: number;
  /** The code Worker's name (`loom-…`). */
  name: string;
}

/** Relay → main isolate: the code's Worker ended. */
export interface RelayExit {
  /** Discriminant. */
  type: "exited";
  /** Why: its uncaught error, or a description of its exit. */
  error: SerializedError;
  /** It ran out of memory. */
  outOfMemory: boolean;
}

/** The `workerData` of a Loom code Worker. */
export interface CodeWorkerData {
  /** Marks a Loom code Worker; its name. */
  loom: string;
  /** The port to the main isolate; the entry takes it away before any other module loads. */
  port?: MessagePort;
  /** Its heap limit (old generation), in MiB. */
  heapMb: number;
}

const OUT_OF_MEMORY = "ERR_WORKER_OUT_OF_MEMORY";

/**
 * The URL a `node:worker_threads` Worker starts from: a `data:` module that imports the entry,
 * so that any entry URL works (a remote one too) and the entry is never the main module of the
 * Worker (a bundled program, which is its own entry, then does not run as a program there).
 *
 * @param entry The entry module's URL.
 * @returns The URL to start from.
 */
export function codeWorkerUrl(entry: string): URL {
  return new URL(`data:text/javascript,import ${encodeURIComponent(JSON.stringify(entry))};`);
}

/**
 * Starts a code Worker with a heap limit and reports how it ends.
 *
 * @param start Its entry, port, heap limit and name.
 * @param onExit Told once, when it ended.
 * @returns The Worker.
 */
export function startCodeWorker(
  start: Omit<RelayStart, "type">,
  onExit: (exit: RelayExit) => void,
): NodeWorker {
  const data: CodeWorkerData = { loom: start.name, port: start.port, heapMb: start.heapMb };
  const worker = new NodeWorker(codeWorkerUrl(start.entry), {
    name: start.name,
    workerData: data,
    // A web MessagePort: Deno's node:worker_threads transfers it as it is.
    transferList: [start.port as never],
    resourceLimits: { maxOldGenerationSizeMb: start.heapMb },
  });
  let ended = false;
  const end = (exit: RelayExit) => {
    if (ended) return;
    ended = true;
    onExit(exit);
  };
  worker.on("error", (e: unknown) => {
    const outOfMemory = (e as { code?: unknown })?.code === OUT_OF_MEMORY;
    const error = outOfMemory
      ? serializeError(
        new Error(`it ran out of memory (its heap limit is ${start.heapMb} MiB)`),
      )
      : serializeError(e);
    end({ type: "exited", error, outOfMemory });
  });
  worker.on("exit", (code: number) => {
    end({
      type: "exited",
      error: serializeError(new Error(`it exited with code ${code}`)),
      outOfMemory: false,
    });
  });
  return worker;
}

/** Runs this isolate as a relay (a Web Worker named `loom-…-relay`). */
export function runRelay(): void {
  const scope = globalThis as unknown as {
    onmessage: ((event: MessageEvent<RelayStart>) => void) | null;
    postMessage(message: RelayExit): void;
  };
  const post = scope.postMessage.bind(scope);
  scope.onmessage = (event) => {
    scope.onmessage = null;
    const start = event.data;
    startCodeWorker(start, (exit) => post(exit));
  };
}
