/**
 * Inside a workflow Worker: `Date.now()`, `new Date()`, `Date()`, `performance.now()`,
 * `Math.random()` and `crypto.randomUUID()` give, within a workflow's code, that workflow's
 * recorded time and seeded values, so that code that forgot `ctx.now()` or `ctx.random()` still
 * replays the same (`performance.now()` gives the activation's time, as `Date.now()` does: time
 * does not pass within an activation). Which
 * workflow is running is tracked with `AsyncLocalStorage`, because the activations of a batch
 * interleave their microtasks. Outside a workflow's code the real functions answer.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import type { WorkflowMachine } from "../../replay/machine.ts";
import { hashSeed, seededRandom, uuidFrom } from "../../replay/random.ts";
import type { InstanceScope } from "../workflow_host.ts";

/** The clock and random source of one workflow instance. */
export interface WorkflowScope {
  /** The run, when known. */
  workflowId?: string;
  /** The time of the activation running (the workflow's `ctx.now()`), in ms. */
  now(): number;
  /** The next value of the workflow's seeded sequence for `Math.random()`. */
  random(): number;
}

const storage = new AsyncLocalStorage<WorkflowScope>();
let installed = false;

/**
 * Whether workflow code is running (in a workflow's scope, its continuations included).
 *
 * @returns `true` within a workflow's code.
 */
export function inWorkflowCode(): boolean {
  return storage.getStore() !== undefined;
}

/**
 * The run whose code is running.
 *
 * @returns Its id, or `undefined` outside workflow code (or when its scope does not say).
 */
export function currentWorkflowId(): string | undefined {
  return storage.getStore()?.workflowId;
}

/**
 * Replaces `Date`, `Math.random` and `crypto.randomUUID` of this isolate with versions that
 * answer from the running workflow's scope. Idempotent.
 */
export function installDeterministicGlobals(): void {
  if (installed) return;
  installed = true;
  const RealDate = Date;
  const realNow = Date.now;
  const realRandom = Math.random;
  const realUuid = crypto.randomUUID.bind(crypto);
  const realPerformanceNow = performance.now.bind(performance);
  const now = () => storage.getStore()?.now() ?? realNow();
  const ScopedDate: DateConstructor = new Proxy(RealDate, {
    construct(target, args, newTarget): object {
      const scope = storage.getStore();
      const use = args.length === 0 && scope !== undefined ? [scope.now()] : args;
      return Reflect.construct(target, use, newTarget === ScopedDate ? target : newTarget);
    },
    apply(target, self, args) {
      const scope = storage.getStore();
      if (scope === undefined) return Reflect.apply(target, self, args);
      return new target(scope.now()).toString();
    },
    get(target, prop, receiver) {
      if (prop === "now") return now;
      return Reflect.get(target, prop, receiver);
    },
  });
  globalThis.Date = ScopedDate;
  Math.random = () => {
    const scope = storage.getStore();
    return scope === undefined ? realRandom() : scope.random();
  };
  performance.now = () => {
    const scope = storage.getStore();
    return scope === undefined ? realPerformanceNow() : scope.now();
  };
  crypto.randomUUID = () => {
    const scope = storage.getStore();
    return scope === undefined ? realUuid() : uuidFrom(scope.random) as ReturnType<typeof realUuid>;
  };
}

/**
 * Runs `fn` (and every continuation it schedules) as the code of the workflow of `scope`.
 *
 * @param scope The workflow's clock and random source.
 * @param fn What to run.
 * @returns What `fn` returns.
 */
export function runInWorkflowScope<T>(scope: WorkflowScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/**
 * The scope hook of the Worker's {@linkcode WorkflowHost}: an instance's code sees its
 * activation's time (`ctx.now()`) and a `Math.random()` sequence seeded by its workflow id.
 *
 * @param machine The instance's machine.
 * @param workflowId The run.
 * @returns Runs a function as that instance's code.
 */
export function deterministicScope(machine: WorkflowMachine, workflowId: string): InstanceScope {
  const random = seededRandom(hashSeed(`Math.random:${workflowId}`));
  const scope: WorkflowScope = {
    workflowId,
    now: () => machine.context.now().getTime(),
    random,
  };
  return (fn) => runInWorkflowScope(scope, fn);
}
