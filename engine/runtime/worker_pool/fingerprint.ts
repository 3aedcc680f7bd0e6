/**
 * Registry fingerprints: what each isolate registered (names, versions, and a hash of each
 * definition's code), so that the main isolate can check that every Worker runs the same code.
 *
 * @module
 */

import type { ActivityDefinition } from "../../replay/definitions.ts";
import type { Registry } from "../../definition/registry.ts";

/** What one isolate registered: `"name@version"` or `"name"` → hash of the definition. */
export interface RegistrySummary {
  /** Workflows by `"name@version"`. */
  workflows: Record<string, string>;
  /** Activities by name. */
  activities: Record<string, string>;
}

/** A 53-bit string hash (cyrb53), as hex: a check of sameness, not a security measure. */
function hash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
}

function activityCode(def: ActivityDefinition): string {
  return JSON.stringify([
    def.name,
    def.retryCount,
    def.timeoutSeconds,
    def.retry,
    String(def.fn),
    def.permissions ?? null,
  ]);
}

/**
 * Summarizes a registry.
 *
 * @param registry The registry.
 * @returns Its workflows and activities with a hash of their code.
 */
export function summarizeRegistry(registry: Registry): RegistrySummary {
  const summary: RegistrySummary = { workflows: {}, activities: {} };
  for (const def of registry.listWorkflows()) {
    summary.workflows[`${def.name}@${def.version}`] = hash(def.fingerprint);
  }
  for (const def of registry.listActivities()) {
    summary.activities[def.name] = hash(activityCode(def));
  }
  return summary;
}

function describeKey(kind: "workflows" | "activities", key: string): string {
  if (kind === "activities") return `Activity "${key}"`;
  const at = key.lastIndexOf("@");
  return `Workflow "${key.slice(0, at)}" version "${key.slice(at + 1)}"`;
}

/**
 * Compares what a Worker registered with what the main isolate registered.
 *
 * @param main The main isolate's summary.
 * @param worker The Worker's summary.
 * @param where Names the Worker, e.g. `workflow Worker 2`.
 * @returns A message naming the first definition that differs, or `undefined` when they match.
 */
export function registryMismatch(
  main: RegistrySummary,
  worker: RegistrySummary,
  where: string,
): string | undefined {
  for (const kind of ["workflows", "activities"] as const) {
    const keys = new Set([...Object.keys(main[kind]), ...Object.keys(worker[kind])]);
    for (const key of [...keys].sort()) {
      const a = main[kind][key];
      const b = worker[kind][key];
      if (a === b) continue;
      const what = describeKey(kind, key);
      if (b === undefined) {
        return `${what} is registered in the main isolate but not in ${where}: register it in a module named in "modules" (--module), not in code that only the main isolate runs`;
      }
      if (a === undefined) {
        return `${what} is registered in ${where} but not in the main isolate: every isolate must register the same definitions`;
      }
      return `${what} is registered differently in the main isolate and in ${where}: its code must not depend on where it runs`;
    }
  }
  return undefined;
}
