/**
 * The workflow names that owners registered (`["wf_name", name]`): each owner writes its
 * definitions' names when it starts, so that a process without the definitions (the CLI,
 * `connectKv`) can tell a workflow that some owner runs from a misspelt one.
 *
 * @module
 */

import { keys } from "./keys.ts";
import { commitPatiently } from "./patient_commit.ts";

/** What is kept of a registered workflow name. */
export interface WorkflowNameRecord {
  /** The name. */
  name: string;
  /** Its versions, as the owner that wrote it last registered them. */
  versions: string[];
  /** When it was written (ms). */
  updatedAt: number;
}

/**
 * Writes the names an owner registered (a name already there is rewritten only when its
 * versions changed).
 *
 * @param kv The KV handle.
 * @param names Names and their versions.
 * @param now The time to record.
 */
export async function publishWorkflowNames(
  kv: Deno.Kv,
  names: Map<string, string[]>,
  now: number,
): Promise<void> {
  const list = [...names];
  for (let i = 0; i < list.length; i += 10) {
    const batch = list.slice(i, i + 10);
    const stored = await kv.getMany<WorkflowNameRecord[]>(batch.map(([n]) => keys.workflowName(n)));
    const op = kv.atomic();
    let writes = 0;
    batch.forEach(([name, versions], j) => {
      const old = stored[j]?.value;
      if (old !== null && old !== undefined && old.versions.join("\n") === versions.join("\n")) {
        return;
      }
      op.set(keys.workflowName(name), { name, versions, updatedAt: now });
      writes++;
    });
    if (writes > 0) await commitPatiently(op);
  }
}

/**
 * Reads a registered workflow name.
 *
 * @param kv The KV handle.
 * @param name The name.
 * @returns What is kept of it, or `undefined` when no owner registered it.
 */
export async function readWorkflowName(
  kv: Deno.Kv,
  name: string,
): Promise<WorkflowNameRecord | undefined> {
  return (await kv.get<WorkflowNameRecord>(keys.workflowName(name))).value ?? undefined;
}
