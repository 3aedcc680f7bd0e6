/**
 * Starts the isolate of one Loom Worker: a `node:worker_threads` Worker with a heap limit, so
 * that code exhausting its heap stops only that Worker (see `worker_relay.ts` for what was
 * measured). With narrower permissions than the process's (workflow Workers, activities with
 * `permissions`), it starts inside a relay Web Worker that has those permissions; with the
 * process's permissions, it starts from this isolate directly.
 *
 * The main isolate and the code talk over a `MessagePort` of their own: events that are not
 * trusted (made by `dispatchEvent`) are ignored.
 *
 * @module
 */

import { ensureError, InvalidArgumentError } from "../../errors.ts";
import { deserializeError } from "../../errors.ts";
import type { ToWorker } from "./protocol.ts";
import { type RelayExit, type RelayStart, startCodeWorker } from "./worker_relay.ts";

/** Options of {@linkcode startIsolate}. */
export interface IsolateOptions {
  /** The entry module (`worker_entry.ts`, or the bundle). */
  entry: string;
  /** The code Worker's name (`loom-…`). */
  name: string;
  /** Narrower permissions than the process's, or `undefined` for the process's own. */
  permissions: Deno.PermissionOptionsObject | undefined;
  /** Heap limit (old generation), in MiB. */
  heapMb: number;
  /** Called with each message of the code (a trusted event's data, not checked yet). */
  onMessage: (data: unknown) => void;
  /** Called once when the isolate ended on its own. */
  onExit: (reason: Error) => void;
}

/** A running isolate. */
export interface CodeIsolate {
  /**
   * Sends a batch of messages.
   *
   * @param batch The messages.
   */
  post(batch: ToWorker[]): void;
  /** Stops it (nothing is reported). */
  terminate(): void;
}

function isRelayExit(data: unknown): data is RelayExit {
  return typeof data === "object" && data !== null && (data as RelayExit).type === "exited" &&
    typeof (data as RelayExit).error === "object" && (data as RelayExit).error !== null;
}

/**
 * Starts an isolate.
 *
 * @param options Entry, name, permissions, heap limit, and whom to tell.
 * @returns The isolate.
 * @throws {InvalidArgumentError} When the permissions exceed the process's.
 */
export function startIsolate(options: IsolateOptions): CodeIsolate {
  const { port1, port2 } = new MessageChannel();
  let ended = false;
  const exit = (reason: Error) => {
    if (ended) return;
    ended = true;
    port1.close();
    options.onExit(reason);
  };
  port1.onmessage = (event) => {
    if (event.isTrusted) options.onMessage(event.data);
  };
  port1.onmessageerror = () => exit(new Error("a message from the Worker could not be read"));
  const post = port1.postMessage.bind(port1);
  const start = { port: port2, entry: options.entry, heapMb: options.heapMb, name: options.name };
  if (options.permissions === undefined) {
    const worker = startCodeWorker(start, (e) => exit(deserializeError(e.error)));
    return {
      post,
      terminate: () => {
        ended = true;
        port1.close();
        void worker.terminate();
      },
    };
  }
  let relay: Worker;
  try {
    relay = new Worker(options.entry, {
      type: "module",
      name: `loom-relay-${options.name}`,
      deno: { permissions: options.permissions },
    });
  } catch (e) {
    port1.close();
    port2.close();
    throw new InvalidArgumentError(`${ensureError(e).name}: ${ensureError(e).message}`);
  }
  relay.onmessage = (event: MessageEvent<unknown>) => {
    if (event.isTrusted && isRelayExit(event.data)) exit(deserializeError(event.data.error));
  };
  relay.onerror = (event) => {
    event.preventDefault();
    exit(new Error(`its relay failed: ${event.message || "uncaught error"}`));
  };
  relay.postMessage({ type: "relay", ...start } satisfies RelayStart, [port2]);
  return {
    post,
    terminate: () => {
      ended = true;
      port1.close();
      relay.terminate();
    },
  };
}
