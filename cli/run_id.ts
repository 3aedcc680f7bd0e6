/**
 * Finding a run by its id or by an unambiguous start of it, for `signal`, `cancel` and `inspect`:
 * an exact id always wins; a prefix that matches one run names it; a prefix that matches several
 * is a usage error (exit code 2) that names them.
 *
 * @module
 */

import { WorkflowNotFoundError } from "../engine/mod.ts";
import { UsageError } from "./errors.ts";

/** How many candidates an ambiguous prefix names. */
export const MAX_CANDIDATES = 5;

/** Where runs are looked up: whether an id exists, and the ids that start with a prefix. */
export interface RunLookup {
  /** Whether a run has exactly this id. */
  exists(id: string): Promise<boolean>;
  /** Up to `limit` ids that start with `prefix`. */
  idsStartingWith(prefix: string, limit: number): Promise<string[]>;
}

/**
 * Resolves what the user typed to one run id.
 *
 * @param lookup Where runs are.
 * @param typed An id, or the start of one.
 * @param command The command, for the usage error.
 * @returns The run's id.
 * @throws {WorkflowNotFoundError} When no run matches.
 * @throws {UsageError} When the prefix matches several runs (exit code 2), naming them.
 */
export async function resolveRunId(
  lookup: RunLookup,
  typed: string,
  command: string,
): Promise<string> {
  if (await lookup.exists(typed)) return typed;
  const ids = typed === "" ? [] : await lookup.idsStartingWith(typed, MAX_CANDIDATES + 1);
  if (ids.length === 0) throw new WorkflowNotFoundError(typed);
  if (ids.length > 1) {
    const named = ids.slice(0, MAX_CANDIDATES).sort().map((id) => `"${id}"`).join(", ");
    throw new UsageError(
      `Workflow id prefix "${typed}" matches several runs: ${named}${
        ids.length > MAX_CANDIDATES ? ", ..." : ""
      }: give more of the id`,
      command,
    );
  }
  return ids[0] as string;
}
