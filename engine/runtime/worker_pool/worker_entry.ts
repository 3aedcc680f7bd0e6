/**
 * The entry module of every Loom Worker. The first message says what the Worker runs (workflow
 * or activity code) and which modules to import; it then answers requests. Any uncaught error,
 * `self.close()` or `Deno.exit()` is reported to the main isolate before the Worker stops, so
 * that the main isolate replaces it at once.
 *
 * It starts only in a Loom Worker (a Worker named `loom-…`), and once per isolate: the main
 * isolate imports it too (`worker_host.ts`), so that `deno compile` embeds it and a bundle, which
 * is its own Worker entry, carries it; a second copy of Loom in a Worker leaves it to the first.
 *
 * @module
 */

import { defaultRegistry } from "../../definition/registry.ts";
import { deserializeError, ErrorCode, ModuleLoadError, serializeError } from "../../errors.ts";
import { loadModules } from "../load_modules.ts";
import { runActivity } from "../run_activity.ts";
import { WorkflowHost } from "../workflow_host.ts";
import { deterministicScope, installDeterministicGlobals } from "./deterministic_globals.ts";
import { explainDeniedIo } from "./denied_io.ts";
import { summarizeRegistry } from "./fingerprint.ts";
import { type FromWorker, type ToWorker, WorkerKind } from "./protocol.ts";

interface WorkerScope {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent<ToWorker[]>) => void) | null;
  addEventListener(
    type: "error" | "unhandledrejection",
    listener: (event: Event & { error?: unknown; reason?: unknown; message?: string }) => void,
  ): void;
}

const scope = globalThis as unknown as WorkerScope;
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
  scope.postMessage(batch);
}

function send(message: FromWorker): void {
  if (outbox.length === 0) queueMicrotask(flush);
  outbox.push(message);
}

function die(reason: unknown): void {
  if (dying) return;
  scope.postMessage([...outbox, { type: "fatal", error: serializeError(reason) }]);
  dying = true;
  outbox = [];
  realClose();
}

async function init(message: Extract<ToWorker, { type: "init" }>): Promise<void> {
  if (message.kind === WorkerKind.Workflow) installDeterministicGlobals();
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
      (host as WorkflowHost).activate(message.requests).then((responses) =>
        send({ type: "activated", id, responses })
      );
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

/** Whether this isolate is a Worker that a Loom pool started (its name is `loom-…`). */
function inLoomWorker(): boolean {
  const global = globalThis as { WorkerGlobalScope?: unknown; name?: unknown };
  return typeof global.WorkerGlobalScope !== "undefined" && typeof global.name === "string" &&
    global.name.startsWith("loom-");
}

function start(): void {
  realClose = scope.close.bind(scope);
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
  scope.onmessage = (event) => {
    for (const message of event.data) handle(message);
  };
}

if (inLoomWorker() && !(globalThis as Record<symbol, unknown>)[STARTED]) {
  (globalThis as Record<symbol, unknown>)[STARTED] = true;
  start();
}
