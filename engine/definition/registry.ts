/**
 * The registry of workflow and activity definitions. Definitions register themselves when their
 * module is imported; the engine looks runs' code up here by name and version.
 *
 * @module
 */

import type { ActivityDefinition, WorkflowDefinition } from "../replay/definitions.ts";
import { DuplicateDefinitionError, WorkflowDefinitionNotFoundError } from "../errors.ts";

/**
 * Compares two versions: dotted numbers compare numerically (`"1.10.0"` > `"1.9.2"`), anything
 * else as text.
 *
 * @param a A version.
 * @param b Another version.
 * @returns Negative, zero or positive, like a sort comparator.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "0";
    const y = pb[i] ?? "0";
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    const c = Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y) : nx - ny;
    if (c !== 0) return c;
  }
  return 0;
}

/** Holds definitions by name (and version, for workflows). */
export class Registry {
  readonly #workflows = new Map<string, Map<string, WorkflowDefinition>>();
  readonly #activities = new Map<string, ActivityDefinition>();

  /**
   * Registers a workflow definition. Registering an identical definition again is a no-op.
   *
   * @param def The definition.
   * @returns The registered definition (the earlier one, when identical).
   * @throws {DuplicateDefinitionError} When a different definition has the same name and version.
   */
  registerWorkflow(def: WorkflowDefinition): WorkflowDefinition {
    const versions = this.#workflows.get(def.name) ?? new Map<string, WorkflowDefinition>();
    const existing = versions.get(def.version);
    if (existing !== undefined) {
      if (existing.fingerprint === def.fingerprint) return existing;
      throw new DuplicateDefinitionError(
        `Cannot register workflow "${def.name}" version "${def.version}": a different definition is already registered under that name and version`,
      );
    }
    versions.set(def.version, def);
    this.#workflows.set(def.name, versions);
    return def;
  }

  /**
   * Finds a workflow definition.
   *
   * @param name Workflow name.
   * @param version A version; the newest registered one when omitted.
   * @returns The definition.
   * @throws {WorkflowDefinitionNotFoundError} When none matches.
   */
  getWorkflow(name: string, version?: string): WorkflowDefinition {
    const versions = this.#workflows.get(name);
    if (versions === undefined || versions.size === 0) {
      throw new WorkflowDefinitionNotFoundError(name, version);
    }
    if (version !== undefined) {
      const def = versions.get(version);
      if (def === undefined) throw new WorkflowDefinitionNotFoundError(name, version);
      return def;
    }
    const newest = [...versions.keys()].sort(compareVersions).at(-1) as string;
    return versions.get(newest) as WorkflowDefinition;
  }

  /**
   * Lists every registered workflow definition, by name then version.
   *
   * @returns Definitions.
   */
  listWorkflows(): WorkflowDefinition[] {
    return [...this.#workflows.keys()].sort().flatMap((name) =>
      [...(this.#workflows.get(name) as Map<string, WorkflowDefinition>).values()].sort((a, b) =>
        compareVersions(a.version, b.version)
      )
    );
  }

  /**
   * Registers an activity. Registering an identical activity again is a no-op.
   *
   * @param def The activity definition.
   * @returns The registered definition.
   * @throws {DuplicateDefinitionError} When a different activity has the same name.
   */
  registerActivity(def: ActivityDefinition): ActivityDefinition {
    const existing = this.#activities.get(def.name);
    if (existing !== undefined) {
      if (activityFingerprint(existing) === activityFingerprint(def)) return existing;
      throw new DuplicateDefinitionError(
        `Cannot register activity "${def.name}": a different activity is already registered under that name`,
      );
    }
    this.#activities.set(def.name, def);
    return def;
  }

  /**
   * Finds an activity by name.
   *
   * @param name Activity name.
   * @returns The definition, or `undefined`.
   */
  getActivity(name: string): ActivityDefinition | undefined {
    return this.#activities.get(name);
  }

  /**
   * Lists every registered activity, by name.
   *
   * @returns Definitions.
   */
  listActivities(): ActivityDefinition[] {
    return [...this.#activities.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

function activityFingerprint(def: ActivityDefinition): string {
  return JSON.stringify([
    def.name,
    def.retryCount,
    def.timeoutSeconds,
    def.retry,
    String(def.fn),
  ]);
}

const PROCESS_REGISTRY = Symbol.for("loom.registry");

/**
 * The registry that definitions join when their module is imported: one per isolate, kept on
 * `globalThis` under `Symbol.for("loom.registry")`, so that every copy of Loom loaded in the
 * isolate (`main.ts` by path and by URL, the bundle, a binary) registers in and reads the same
 * one. A module that imports Loom by URL while the CLI runs from a path is found by the CLI.
 */
export const defaultRegistry: Registry = ((globalThis as Record<symbol, unknown>)[
  PROCESS_REGISTRY
] ??= new Registry()) as Registry;
