/**
 * The main isolate's side of one Worker: starts it with its permissions and heap limit
 * (`isolate.ts`), imports the modules in it, batches outgoing messages per tick, checks the shape
 * of every message it sends (what does not fit is dropped and reported), and notices when it
 * dies (a `fatal` report, an uncaught error, running out of memory, an exit, or being stopped) so
 * that the pool can replace it.
 *
 * @module
 */

import {
  deserializeError,
  ensureError,
  InvalidArgumentError,
  ModuleLoadError,
  serializeError,
} from "../../errors.ts";
import type { RegistrySummary } from "./fingerprint.ts";
import { type CodeIsolate, startIsolate } from "./isolate.ts";
import { type FromWorker, fromWorkerProblem, type ToWorker, WorkerKind } from "./protocol.ts";
// In the module graph of every program that can start Workers, so that `deno compile` embeds the
// entry and a bundle carries it; it starts only inside a Loom Worker.
import "./worker_entry.ts";

const WORKER_ENTRY = Symbol.for("loom.workerEntry");

/**
 * The module Loom's Workers start from: `worker_entry.ts` beside this file, or, in a program
 * bundled into one file (`deno task bundle`), the program itself, whose URL the bundle keeps on
 * `globalThis[Symbol.for("loom.workerEntry")]`.
 *
 * @returns The URL the bundle names, or `undefined` (then `worker_entry.ts`).
 */
export function bundledWorkerEntry(): string | undefined {
  const entry = (globalThis as Record<symbol, unknown>)[WORKER_ENTRY];
  return typeof entry === "string" ? entry : undefined;
}

/** Options of {@linkcode WorkerHost}. */
export interface WorkerHostOptions {
  /** What the Worker runs. */
  kind: WorkerKind;
  /** Its place in the pool (for names and messages). */
  index: number;
  /** Module URLs it imports. */
  modules: string[];
  /** Live workflow instances it keeps. */
  cacheSize: number;
  /** Permissions of an activity Worker. @default "inherit" */
  permissions?: Deno.PermissionOptions;
  /** Heap limit of the Worker (old generation), in MiB. */
  heapMb: number;
  /** Names the group of Workers it belongs to, in messages (e.g. `for "fetch_page"`). */
  group?: string;
  /** Called with every message it sends once it is ready. */
  onMessage: (message: FromWorker) => void;
  /** Called once when it dies after it was ready (not after {@linkcode WorkerHost.close}). */
  onDeath: (reason: Error) => void;
  /** Told of each message dropped because of its shape. */
  onMalformed: (error: Error) => void;
}

/**
 * The permissions of a workflow Worker. It inherits read and import access only to import the
 * user's modules (and what they import); both are revoked as soon as that is done. Net, env,
 * write, run, ffi and sys access it never has.
 */
export const SANDBOX: { permissions: Deno.PermissionOptionsObject; revoke: string[] } = {
  permissions: {
    read: "inherit",
    import: "inherit",
    env: false,
    net: false,
    write: false,
    run: false,
    ffi: false,
    sys: false,
  },
  revoke: ["read", "import"],
};

/**
 * The permissions of an activity Worker that runs activities with narrower permissions: it reads
 * and imports the modules first, then loses read and import access unless they are granted.
 *
 * @param requested The activities' `permissions`.
 * @returns Deno permissions for the Worker, and what to revoke after the import.
 */
export function activityPermissions(
  requested: Deno.PermissionOptions,
): { permissions: Deno.PermissionOptions; revoke: string[] } {
  if (requested === "inherit") return { permissions: "inherit", revoke: [] };
  const granted: Deno.PermissionOptionsObject = requested === "none" ? {} : requested;
  return {
    permissions: { ...granted, read: "inherit", import: "inherit" },
    revoke: (["read", "import"] as const).filter((name) => granted[name] !== true),
  };
}

/** See the module doc. */
export class WorkerHost {
  readonly #options: WorkerHostOptions;
  readonly #isolate: CodeIsolate;
  readonly #ready: Promise<RegistrySummary>;
  #outbox: ToWorker[] = [];
  #isReady = false;
  #dead = false;
  #settleReady: { resolve: (s: RegistrySummary) => void; reject: (e: Error) => void } | undefined;

  /** @param options What it runs and whom to tell. */
  constructor(options: WorkerHostOptions) {
    this.#options = options;
    const sandbox = options.kind === WorkerKind.Workflow
      ? SANDBOX
      : activityPermissions(options.permissions ?? "inherit");
    this.#ready = new Promise<RegistrySummary>((resolve, reject) => {
      this.#settleReady = { resolve, reject };
    });
    this.#ready.catch(() => {});
    const name = `loom-${options.kind}-${
      options.group === undefined ? "" : "restricted-"
    }${options.index}`;
    const bundled = bundledWorkerEntry();
    // The literal `new URL("./worker_entry.ts", import.meta.url)` lets `deno compile` find it.
    const entry = bundled ?? new URL("./worker_entry.ts", import.meta.url).href;
    try {
      this.#isolate = startIsolate({
        entry,
        name,
        permissions: sandbox.permissions === "inherit"
          ? undefined
          : sandbox.permissions as Deno.PermissionOptionsObject,
        heapMb: options.heapMb,
        onMessage: (data) => this.#batch(data),
        onExit: (reason) => this.#died(reason),
      });
    } catch (e) {
      const cause = ensureError(e);
      const group = options.group === undefined ? "" : ` ${options.group}`;
      throw new InvalidArgumentError(
        `Cannot start a Loom ${options.kind} Worker${group}: ${cause.message} (a Worker's permissions cannot exceed the process's)`,
      );
    }
    this.#isolate.post([
      {
        type: "init",
        kind: options.kind,
        modules: options.modules,
        cacheSize: options.cacheSize,
        revoke: sandbox.revoke,
      } satisfies ToWorker,
    ]);
  }

  /** Names the Worker in messages, e.g. `workflow Worker 2`. */
  get label(): string {
    const group = this.#options.group === undefined ? "" : ` ${this.#options.group}`;
    return `${this.#options.kind} Worker ${this.#options.index + 1}${group}`;
  }

  /**
   * Waits until the modules are imported.
   *
   * @returns What the Worker registered.
   * @throws {ModuleLoadError} When a module failed to import, or the Worker died first.
   */
  ready(): Promise<RegistrySummary> {
    return this.#ready;
  }

  /**
   * Sends a message (with the others of this tick; held until the Worker is ready).
   *
   * @param message The message.
   */
  send(message: ToWorker): void {
    if (this.#dead) return;
    if (this.#outbox.length === 0 && this.#isReady) queueMicrotask(() => this.#flush());
    this.#outbox.push(message);
  }

  /**
   * Stops the Worker; the pool is told as for any death.
   *
   * @param reason Why it is stopped.
   */
  kill(reason: Error): void {
    this.#died(reason);
  }

  /** Stops the Worker without telling the pool. */
  close(): void {
    this.#dead = true;
    this.#settleReady?.reject(new Error(`The ${this.label} was stopped while starting`));
    this.#isolate.terminate();
  }

  #flush(): void {
    if (this.#dead || this.#outbox.length === 0) return;
    const batch = this.#outbox;
    this.#outbox = [];
    this.#isolate.post(batch);
  }

  /** A batch from the Worker: each message is acted on only if it has the right shape. */
  #batch(data: unknown): void {
    if (!Array.isArray(data)) {
      this.#malformed("a message that is not a batch (an array)");
      return;
    }
    for (const message of data) {
      const problem = fromWorkerProblem(message);
      if (problem === undefined) this.#receive(message as FromWorker);
      else this.#malformed(problem);
    }
  }

  #malformed(problem: string): void {
    if (this.#dead) return;
    this.#options.onMalformed(
      new InvalidArgumentError(`The ${this.label} sent ${problem}: it was dropped`),
    );
  }

  #receive(message: FromWorker): void {
    if (this.#dead) return;
    switch (message.type) {
      case "ready":
        this.#isReady = true;
        this.#settleReady?.resolve(message.summary);
        this.#settleReady = undefined;
        this.#flush();
        return;
      case "initFailed": {
        const cause = deserializeError(message.error);
        this.#settleReady?.reject(
          new ModuleLoadError(
            message.module,
            `Cannot load module "${message.module}" in a ${this.#options.kind} Worker: ${cause.name}: ${cause.message}${
              this.#options.kind === WorkerKind.Workflow
                ? " (workflow Workers are sandboxed: no net, env, write, run, ffi or sys access, and read access only while importing; move such code into an activity)"
                : ""
            }`,
            { cause },
          ),
        );
        this.#settleReady = undefined;
        this.close();
        return;
      }
      case "fatal":
        this.#died(deserializeError(message.error));
        return;
      default:
        this.#options.onMessage(message);
    }
  }

  #died(reason: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#isolate.terminate();
    const error = ensureError(reason);
    if (this.#settleReady !== undefined) {
      const module = this.#options.modules.join(", ");
      this.#settleReady.reject(
        new ModuleLoadError(
          module,
          `The ${this.label} died while importing modules: ${error.name}: ${error.message}`,
          { cause: deserializeError(serializeError(error)) },
        ),
      );
      this.#settleReady = undefined;
      return;
    }
    this.#options.onDeath(error);
  }
}
