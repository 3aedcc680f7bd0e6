/**
 * The rule for workflow ids, in one place: the engine, the HTTP API and the CLI apply it.
 *
 * @module
 */

import { InvalidArgumentError } from "./errors.ts";

/** Longest workflow id, in UTF-16 code units. */
export const MAX_WORKFLOW_ID_LENGTH = 512;

/**
 * Checks a workflow id given by a caller.
 *
 * @param id The id.
 * @returns The id.
 * @throws {InvalidArgumentError} When it breaks the rule, naming it.
 * @example
 * ```ts
 * import { checkWorkflowId } from "./workflow_id.ts";
 * console.assert(checkWorkflowId("order-1") === "order-1");
 * ```
 */
export function checkWorkflowId(id: unknown): string {
  if (typeof id !== "string" || id === "" || id.length > MAX_WORKFLOW_ID_LENGTH) {
    throw new InvalidArgumentError(
      `Invalid workflowId ${
        JSON.stringify(id)
      }: it must be a string of 1 to ${MAX_WORKFLOW_ID_LENGTH} characters`,
    );
  }
  return id;
}
