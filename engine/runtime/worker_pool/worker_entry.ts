/**
 * The entry module of every Loom Worker. The first message says what the Worker runs (workflow
 * or activity code) and which modules to import; it then answers requests. Any uncaught error,
 * `self.close()` or `Deno.exit()` is reported to the main isolate before the Worker stops, so
 * that the main isolate replaces it at once.
 *
 * It has two roles: in a relay Web Worker (named `loom-relay-…`) it starts the code's
 * `node:worker_threads` Worker (`worker_relay.ts`); in that Worker (its `workerData` names it) it
 * runs the code. Before any user module loads, it takes the port to the main isolate out of
 * `workerData` and keeps `postMessage` for itself, and removes `postMessage` and `onmessage` from
 * the global scope: workflow and activity code cannot reach the protocol. Events that are not
 * trusted (made with `dispatchEvent`) are ignored.
 *
 * It starts only in a Loom Worker, and once per isolate: the main isolate imports it too
 * (`worker_host.ts`), so that `deno compile` embeds it and a bundle, which is its own Worker
 * entry, carries it; a second copy of Loom in a Worker leaves it to the first.
 *
 * @module
 */

import { getHeapStatistics } from "node:v8";
import { isMainThread, workerData } from "node:worker_threads";
import { defaultRegistry } from "../../definition/registry.ts";
import { deserializeError, ErrorCode, ModuleLoadError, serializeError } from "../../errors.ts";
import type { ActivationResponse } from "../executor.ts";
import { loadModules } from "../load_modules.ts";
import { WorkflowStatus } from "../../replay/events.ts";
import { runActivity } from "../run_activity.ts";
import { WorkflowHost } from "../workflow_host.ts";
import { deterministicScope, installDeterministicGlobals } from "./deterministic_globals.ts";
import { explainDeniedIo } from "./denied_io.ts";
import { installSandboxGlobals } from "./sandbox_globals.ts";
import { summarizeRegistry } from "./fingerprint.ts";
import { type FromWorker, type ToWorker, WorkerKind } from "./protocol.ts";
import { type CodeWorkerData, runRelay } from "./worker_relay.ts";

interface WorkerScope {
  postMessage?: (message: unknown) => void;
  close(): void;
  onmessage?: unknown;
  addEventListener(
    type: "error" | "unhandledrejection",
    listener: (event: Event & { error?: unknown; reason?: unknown; message?: string }) => void,
  ): void;
}

const scope = globalThis as unknown as WorkerScope;
// Taken before any user module loads, so that code replacing them changes nothing here.
const microtask = queueMicrotask;
const isArray = Array.isArray;
let post: (batch: FromWorker[]) => void = () => {};
let realClose: () => void = () => {};
let outbox: FromWorker[] = [];
let dying = false;
let host: WorkflowHost | undefined;
const running = new Map<number, AbortController>();
const TIMEOUT: string = ErrorCode.ActivityTimeout;

function flush(): void {
  if (outbox.length === 0 || dying) return;
  const batch = outbox;
  outbox = [];
  post(batch);
}

function send(message: FromWorker): void {
  if (outbox.length === 0) microtask(flush);
  outbox.push(message);
}

/** Heap limit at the start (bytes); V8 raises it when the code reached it (see below). */
let heapLimit = 0;
let heapMb = 0;

function failed(response: ActivationResponse): boolean {
  return response.kind === "error" ||
    (response.kind === "output" && response.output.status === WorkflowStatus.Failed);
}

/**
 * Whether the code exhausted the heap. When it does so in a microtask (where workflow code and
 * most activity code runs), Deno stops that code, raises the heap limit and goes on, so the
 * Worker lives and the code it stopped looks stuck or failed. A raised limit tells: the Worker
 * then dies as if it had run out of memory, and what it would have answered is not sent.
 *
 * @returns `true` when the Worker is dying of it.
 */
function outOfMemory(): boolean {
  if (heapLimit === 0 || getHeapStatistics().heap_size_limit <= heapLimit) return false;
  die(new Error(`it ran out of memory (its heap limit is ${heapMb} MiB)`));
  return true;
}

function die(reason: unknown): void {
  if (dying) return;
  post([...outbox, { type: "fatal", error: serializeError(reason) }]);
  dying = true;
  outbox = [];
  realClose();
}

async function init(message: Extract<ToWorker, { type: "init" }>): Promise<void> {
  if (message.kind === WorkerKind.Workflow) {
    installDeterministicGlobals();
    installSandboxGlobals();
  }
  try {
    // The main isolate sends absolute URLs, which the loader imports as they are.
    await loadModules(message.modules);
  } catch (e) {
    const failed = e instanceof ModuleLoadError ? e : undefined;
    send({
      type: "initFailed",
      module: failed?.module ?? message.modules.join(", "),
      error: serializeError(failed?.cause ?? e),
    });
    return;
  }
  for (const name of message.revoke) {
    // "import" is revocable at run time, though the type of the descriptor does not list it.
    Deno.permissions.revokeSync({ name } as Deno.PermissionDescriptor);
  }
  if (message.kind === WorkerKind.Workflow) {
    host = new WorkflowHost({
      registry: defaultRegistry,
      cacheSize: message.cacheSize,
      scope: deterministicScope,
      explain: explainDeniedIo,
    });
  }
  send({ type: "ready", summary: summarizeRegistry(defaultRegistry) });
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case "init":
      void init(message);
      break;
    case "activate": {
      const id = message.id;
      // With history to replay, the main isolate is told when the replays are done, at once
      // (workflow code that then never yields would hold up the outbox).
      const replayed = message.requests.some((r) => r.history !== undefined && r.history.length > 0)
        ? () => {
          outbox.push({ type: "replayed", id });
          flush();
        }
        : undefined;
      (host as WorkflowHost).activate(message.requests, replayed).then((responses) => {
        if (responses.some(failed) && outOfMemory()) return;
        send({ type: "activated", id, responses });
      });
      break;
    }
    case "runActivity": {
      const id = message.id;
      const controller = new AbortController();
      running.set(id, controller);
      runActivity(defaultRegistry, message.request, controller.signal).then(async (result) => {
        // An attempt that timed out or was aborted answers one timer tick later, so that the
        // first I/O of its abort handlers (a log line, say) is done before its outcome commits.
        if (!result.ok && (controller.signal.aborted || result.error.code === TIMEOUT)) {
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
        running.delete(id);
        if (!result.ok && outOfMemory()) return;
        send({ type: "activityDone", id, result });
      });
      break;
    }
    case "abort":
      running.get(message.id)?.abort(deserializeError(message.reason));
      break;
    case "evict":
      for (const workflowId of message.workflowIds) host?.evict(workflowId);
      break;
  }
}

const STARTED = Symbol.for("loom.workerEntry.started");
/** Whether this isolate is a relay Web Worker that a Loom pool started (`loom-relay-…`). */
function inLoomRelay(): boolean {
  const global = globalThis as { WorkerGlobalScope?: unknown; name?: unknown };
  return typeof global.WorkerGlobalScope !== "undefined" && typeof global.name === "string" &&
    global.name.startsWith("loom-relay-");
}

/** The `workerData` of this isolate when it is a Loom code Worker. */
function loomWorkerData(): CodeWorkerData | undefined {
  if (isMainThread) return undefined;
  const data = workerData as CodeWorkerData | null;
  return typeof data === "object" && data !== null && typeof data.loom === "string" &&
      data.port !== undefined
    ? data
    : undefined;
}

function start(data: CodeWorkerData): void {
  const port = data.port as MessagePort;
  delete data.port;
  heapMb = data.heapMb;
  heapLimit = getHeapStatistics().heap_size_limit;
  // Code that exhausted the heap and was stopped may leave nothing to answer: look now and then.
  setInterval(outOfMemory, 1000);
  const postOnPort = port.postMessage.bind(port);
  post = (batch) => postOnPort(batch);
  realClose = scope.close.bind(scope);
  // The global port of this Worker leads to the relay, which drops what it gets; code has no
  // use for it, and no other way to the main isolate.
  delete scope.postMessage;
  delete scope.onmessage;
  // Deno marks its own error events as untrusted too (and dispatches them through the public
  // `dispatchEvent`), so these cannot tell a forged one: code that forges one only gets its own
  // Worker replaced, as code that throws in a timer does.
  scope.addEventListener("error", (event) => {
    event.preventDefault();
    die(event.error ?? new Error(event.message ?? "uncaught error"));
  });
  scope.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    die(event.reason);
  });
  scope.close = () => die(new Error("the code in the Worker called self.close()"));
  Deno.exit = ((code?: number) => {
    die(new Error(`the code in the Worker called Deno.exit(${code ?? ""})`));
  }) as typeof Deno.exit;
  port.onmessage = (event: MessageEvent<unknown>) => {
    if (!event.isTrusted) return;
    const batch = event.data;
    if (!isArray(batch)) return;
    for (const message of batch as ToWorker[]) handle(message);
  };
}

const global = globalThis as Record<symbol, unknown>;
if (!global[STARTED]) {
  if (inLoomRelay()) {
    global[STARTED] = true;
    runRelay();
  } else {
    const data = loomWorkerData();
    if (data !== undefined) {
      global[STARTED] = true;
      start(data);
    }
  }
}
