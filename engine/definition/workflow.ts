/**
 * Workflow definitions: classes with standard (TC39) decorators, `@workflow` and `@step`, or the
 * same without decorators through `defineWorkflow`. Both register on import.
 *
 * @module
 */

import type { INPUT_TYPE, StartOptions, STATE_TYPE, Typed, WorkflowHandle } from "../client.ts";
import type { WorkflowContext } from "../replay/context.ts";
import type { StepDefinition, WorkflowDefinition } from "../replay/definitions.ts";
import { InvalidArgumentError, InvalidDefinitionError } from "../errors.ts";
import type { JsonValue } from "../json.ts";
import { defaultEngine } from "./default_engine.ts";
import { callerModule } from "./_caller.ts";
import { defaultRegistry, type Registry } from "./registry.ts";

const DEFINITION = Symbol.for("loom.workflow.definition");
const STEPS = Symbol.for("loom.workflow.steps");

/** A class of workflow steps. */
export type WorkflowClass<I = JsonValue, S extends object = Record<string, JsonValue>> = new () =>
Workflow<I, S>;

/**
 * Base class of workflow classes: `I` is the input type, `S` the state (and result) type.
 * Decorate the class with `@workflow` and its step methods with `@step`.
 */
export abstract class Workflow<I = JsonValue, S extends object = Record<string, JsonValue>>
  implements Typed<I, S> {
  /** Never set: carries the input type for `start()`. */
  declare readonly [INPUT_TYPE]?: I;
  /** Never set: carries the state type for `start()`. */
  declare readonly [STATE_TYPE]?: S;

  /**
   * Starts a run of this workflow on the engine of this process.
   *
   * @param input The run's input (a JSON value).
   * @param options Id, version, and what to do when the id exists.
   * @returns A handle on the run.
   * @throws {EngineNotFoundError} When there is no engine, or several.
   */
  static async start<I, S extends object>(
    this: WorkflowClass<I, S>,
    input: I,
    options?: StartOptions,
  ): Promise<WorkflowHandle<S>> {
    return await defaultEngine().start<I, S>(this, input, options);
  }
}

/** Options of {@linkcode workflow}. */
export interface WorkflowOptions {
  /** Workflow name. @default the class name */
  name?: string;
  /** Version. @default "1.0.0" */
  version?: string;
  /** Free text. @default "" */
  description?: string;
  /** Registry to join. @default the process-wide registry */
  registry?: Registry;
}

/** Options of {@linkcode step}. */
export interface StepOptions {
  /** Step name. @default the method name */
  name?: string;
  /** Free text. @default "" */
  description?: string;
}

/** What `@step(...)` returns: a decorator of methods that take the context. */
export type StepDecorator = <This extends object, C>(
  method: (this: This, ctx: C) => unknown,
  context: ClassMethodDecoratorContext<This, (this: This, ctx: C) => unknown>,
) => void;

/** What `@workflow(...)` returns: a decorator of workflow classes. */
export type WorkflowDecorator = <C extends new () => object>(
  target: C,
  context: ClassDecoratorContext<C>,
) => void;

/** A step as a function, for {@linkcode defineWorkflow}. */
export type StepFunction<I, S extends object> = (
  ctx: WorkflowContext<I, S>,
) => Promise<void> | void;

/** Options of {@linkcode defineWorkflow}. */
export interface DefineWorkflowOptions<I, S extends object> extends WorkflowOptions {
  /** Workflow name. */
  name: string;
  /** Steps in order: named functions, or `{ name, run }`. */
  steps: Array<
    StepFunction<I, S> | { name: string; description?: string; run: StepFunction<I, S> }
  >;
}

/** A workflow made by {@linkcode defineWorkflow}: its definition, plus `start()`. */
export interface DefinedWorkflow<I, S extends object> extends WorkflowDefinition, Typed<I, S> {
  /** Starts a run on the engine of this process. */
  start(input: I, options?: StartOptions): Promise<WorkflowHandle<S>>;
}

function fingerprint(name: string, version: string, steps: readonly StepDefinition[]): string {
  return JSON.stringify([name, version, steps.map((s) => [s.name, s.fn, s.source])]);
}

function build(
  name: string,
  options: WorkflowOptions,
  steps: StepDefinition[],
  create: () => object,
): WorkflowDefinition {
  if (typeof name !== "string" || name.trim() === "") {
    throw new InvalidDefinitionError("Invalid workflow: it needs a name");
  }
  const version = options.version ?? "1.0.0";
  if (typeof version !== "string" || version === "") {
    throw new InvalidDefinitionError(
      `Invalid workflow "${name}": version must be a non-empty string`,
    );
  }
  if (steps.length === 0) {
    throw new InvalidDefinitionError(`Invalid workflow "${name}": it must have at least one step`);
  }
  const seen = new Set<string>();
  for (const s of steps) {
    if (seen.has(s.name)) {
      throw new InvalidDefinitionError(
        `Invalid workflow "${name}": duplicate step name "${s.name}"`,
      );
    }
    seen.add(s.name);
  }
  const def: WorkflowDefinition = {
    name,
    version,
    description: options.description ?? "",
    steps: Object.freeze(steps),
    create,
    fingerprint: fingerprint(name, version, steps),
    module: callerModule(import.meta.url),
  };
  return (options.registry ?? defaultRegistry).registerWorkflow(Object.freeze(def));
}

/**
 * Marks a method of a workflow class as a step. Steps run in declaration order.
 *
 * @param options Step name (default: the method name) and description.
 * @returns A method decorator.
 */
export function step(options: StepOptions = {}): StepDecorator {
  return function <This extends object, C>(
    method: (this: This, ctx: C) => unknown,
    context: ClassMethodDecoratorContext<This, (this: This, ctx: C) => unknown>,
  ): void {
    if (context.static || context.private) {
      throw new InvalidDefinitionError(
        `@step cannot decorate the ${context.static ? "static" : "private"} method "${
          String(context.name)
        }"`,
      );
    }
    const meta = context.metadata as Record<PropertyKey, unknown>;
    const steps = Object.hasOwn(meta, STEPS) ? meta[STEPS] as StepDefinition[] : [];
    meta[STEPS] = steps;
    steps.push({
      name: options.name ?? String(context.name),
      fn: String(context.name),
      description: options.description ?? "",
      run: (self: object, ctx: never) => method.call(self as This, ctx as C),
      source: String(method),
    });
  };
}

/**
 * Registers a class of `@step` methods as a workflow.
 *
 * @param options Name (default: the class name), version (default `"1.0.0"`), description.
 * @returns A class decorator.
 * @throws {InvalidDefinitionError} When the class has no steps or two steps share a name.
 * @throws {DuplicateDefinitionError} When another definition has the same name and version.
 */
export function workflow(options: WorkflowOptions = {}): WorkflowDecorator {
  return function <C extends new () => object>(target: C, context: ClassDecoratorContext<C>): void {
    const meta = context.metadata as Record<PropertyKey, unknown>;
    const steps = Object.hasOwn(meta, STEPS) ? [...meta[STEPS] as StepDefinition[]] : [];
    const def = build(options.name ?? target.name, options, steps, () => new target());
    Object.defineProperty(target, DEFINITION, { value: def });
  };
}

/**
 * Defines and registers a workflow without classes or decorators.
 *
 * @param options Name, version, description and the steps in order.
 * @returns The definition, with `start()`.
 * @example
 * ```ts
 * import { defineWorkflow } from "./workflow.ts";
 * export const greet = defineWorkflow<{ name: string }, { greeting: string }>({
 *   name: "doc_greet",
 *   steps: [async function hello(ctx) {
 *     await ctx.state.set("greeting", `Hello, ${ctx.input.name}`);
 *   }],
 * });
 * ```
 */
export function defineWorkflow<I = JsonValue, S extends object = Record<string, JsonValue>>(
  options: DefineWorkflowOptions<I, S>,
): DefinedWorkflow<I, S> {
  const steps = options.steps.map((s, i): StepDefinition => {
    const fn = typeof s === "function" ? s : s?.run;
    const name = typeof s === "function" ? s.name : s?.name;
    if (typeof fn !== "function" || typeof name !== "string" || name === "") {
      throw new InvalidDefinitionError(
        `Invalid workflow "${options.name}": step ${
          i + 1
        } must be a named function or { name, run }`,
      );
    }
    return {
      name,
      fn: fn.name || name,
      description: typeof s === "function" ? "" : s.description ?? "",
      run: (_self: object, ctx: never) => fn(ctx),
      source: String(fn),
    };
  });
  const def = build(options.name, options, steps, () => ({}));
  return Object.freeze({
    ...def,
    start: async (input: I, startOptions?: StartOptions) =>
      await defaultEngine().start<S>(def, input, startOptions),
  });
}

/**
 * Finds the definition behind a workflow class or a defined workflow.
 *
 * @param ref A class decorated with `@workflow`, or a definition.
 * @returns The definition, or `undefined`.
 */
export function workflowDefinitionOf(ref: unknown): WorkflowDefinition | undefined {
  if (typeof ref === "function") {
    return Object.hasOwn(ref, DEFINITION)
      ? (ref as unknown as Record<symbol, WorkflowDefinition>)[DEFINITION]
      : undefined;
  }
  if (typeof ref === "object" && ref !== null && "steps" in ref && "fingerprint" in ref) {
    return ref as WorkflowDefinition;
  }
  return undefined;
}

/**
 * The definition a start refers to: a name (the newest version, or `version`), a class decorated
 * with `@workflow`, or a definition (another `version` of it is looked up by name).
 *
 * @param registry Where names are looked up.
 * @param ref The workflow.
 * @param version The version asked for.
 * @returns The definition.
 * @throws {WorkflowDefinitionNotFoundError} For an unknown name or version.
 * @throws {InvalidArgumentError} When `ref` is not a workflow.
 */
export function resolveWorkflow(
  registry: Registry,
  ref: unknown,
  version?: string,
): WorkflowDefinition {
  if (typeof ref === "string") return registry.getWorkflow(ref, version);
  const def = workflowDefinitionOf(ref);
  if (def === undefined) {
    const name = typeof ref === "function" ? ref.name : String((ref as { name?: string }).name);
    throw new InvalidArgumentError(
      `Cannot start "${name}": it is not a workflow (decorate the class with @workflow, or use defineWorkflow)`,
    );
  }
  return version === undefined || version === def.version
    ? def
    : registry.getWorkflow(def.name, version);
}
