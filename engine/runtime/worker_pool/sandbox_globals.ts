/**
 * Inside a workflow Worker: what workflow code may not use fails at the call, with an error that
 * `denied_io.ts` turns into the sandbox's message (naming the workflow, the step and what was
 * refused), as `fetch` does: dynamic `import()`, `Deno.openKv`, compiling or instantiating
 * WebAssembly, `BroadcastChannel`, nested `Worker`s, `SharedArrayBuffer` and `Atomics.wait`.
 * Outside workflow code (the modules' own top-level code, while they are imported) they work
 * as they do anywhere.
 *
 * Without this, the asynchronous ones (`import()`, `Deno.openKv`, `WebAssembly.compile`) would
 * fail the run as "stuck" (their promise is not settled at the end of the activation), and the
 * others would hand workflow code ways around determinism or out of its Worker.
 *
 * @module
 */

// A namespace import: `registerHooks` is missing before Deno 2.6 (the Deploy entry, which runs
// no Workers, is loaded by Deno 2.5), and a named import of it would fail the whole module graph.
import * as nodeModule from "node:module";
import { currentWorkflowId, inWorkflowCode } from "./deterministic_globals.ts";

/** The end of every refusal's message; `denied_io.ts` recognizes it. */
export const NEVER_GIVEN = "which workflow code is never given";

let installed = false;
/** Refused dynamic imports, by run, until the run's activation is answered. */
const refusedImports = new Map<string, Error>();

/**
 * Takes the refusal of a dynamic `import()` made by a run's code in its last activation. Such a
 * refusal rejects the import one macrotask too late for the activation, which then ends "stuck";
 * `denied_io.ts` answers with the refusal instead.
 *
 * @param workflowId The run.
 * @returns The refusal, or `undefined`.
 */
export function takeRefusedImport(workflowId: string): Error | undefined {
  if (refusedImports.size === 0) return undefined;
  const refused = refusedImports.get(workflowId);
  refusedImports.delete(workflowId);
  return refused;
}

function refusal(permission: string, what: string): Error {
  return new Deno.errors.NotCapable(`Requires ${permission} access to ${what}, ${NEVER_GIVEN}`);
}

function guardFunction<F extends (...args: never[]) => unknown>(
  fn: F,
  permission: string,
  what: string,
): F {
  return function (this: unknown, ...args: Parameters<F>) {
    if (inWorkflowCode()) throw refusal(permission, what);
    return fn.apply(this, args);
  } as F;
}

function guardClass<C extends abstract new (...args: never[]) => unknown>(
  cls: C,
  permission: string,
  what: string,
): C {
  return new Proxy(cls, {
    construct(target, args, newTarget) {
      if (inWorkflowCode()) throw refusal(permission, what);
      return Reflect.construct(target, args, newTarget);
    },
  });
}

/** Installs the refusals in this isolate (a workflow Worker). Idempotent. */
export function installSandboxGlobals(): void {
  if (installed) return;
  installed = true;
  const global = globalThis as Record<string, unknown>;
  const { registerHooks } = nodeModule as Partial<typeof nodeModule>;
  registerHooks?.({
    resolve(specifier, context, next) {
      if (inWorkflowCode()) {
        const refused = refusal("import", `dynamic import(${JSON.stringify(specifier)})`);
        const workflowId = currentWorkflowId();
        if (workflowId !== undefined) refusedImports.set(workflowId, refused);
        throw refused;
      }
      return next(specifier, context);
    },
  });
  // An unstable API: a getter on `Deno`, replaced by a value.
  Object.defineProperty(Deno, "openKv", {
    value: guardFunction(Deno.openKv, "kv", "Deno.openKv()"),
    configurable: true,
    writable: true,
  });
  const wasm = WebAssembly as unknown as Record<string, unknown>;
  for (const name of ["compile", "compileStreaming", "instantiate", "instantiateStreaming"]) {
    const fn = wasm[name];
    if (typeof fn === "function") {
      wasm[name] = guardFunction(fn as () => unknown, "wasm", `WebAssembly.${name}()`);
    }
  }
  for (const name of ["Module", "Instance", "Memory"]) {
    const cls = wasm[name];
    if (typeof cls === "function") {
      wasm[name] = guardClass(cls as new () => unknown, "wasm", `new WebAssembly.${name}()`);
    }
  }
  global.BroadcastChannel = guardClass(BroadcastChannel, "broadcast", "new BroadcastChannel()");
  global.Worker = guardClass(Worker, "worker", "new Worker()");
  global.SharedArrayBuffer = guardClass(
    SharedArrayBuffer,
    "shared-memory",
    "new SharedArrayBuffer()",
  );
  Atomics.wait = guardFunction(Atomics.wait, "shared-memory", "Atomics.wait()");
  const atomics = Atomics as unknown as { waitAsync?: () => unknown };
  const waitAsync = atomics.waitAsync;
  if (typeof waitAsync === "function") {
    atomics.waitAsync = guardFunction(
      waitAsync,
      "shared-memory",
      "Atomics.waitAsync()",
    );
  }
}
