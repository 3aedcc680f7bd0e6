/**
 * The rule for workflow ids, in one place: the engine, the HTTP API and the CLI apply it, when an
 * id is given and wherever one is read back.
 *
 * @module
 */

import { InvalidArgumentError } from "./errors.ts";

/** Longest workflow id, in UTF-16 code units. */
export const MAX_WORKFLOW_ID_LENGTH = 512;

/** The rule, as a sentence for messages and docs. */
export const WORKFLOW_ID_RULE =
  `1 to ${MAX_WORKFLOW_ID_LENGTH} UTF-16 code units of well-formed Unicode, no control characters, not "." or ".."`;

// deno-lint-ignore no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why an id breaks the rule, or `undefined` when it keeps it.
 *
 * @param id The id.
 * @returns The broken part of the rule, or `undefined`.
 */
export function workflowIdProblem(id: unknown): string | undefined {
  if (typeof id !== "string") return "it is not a string";
  if (id.length === 0) return "it is empty";
  if (id.length > MAX_WORKFLOW_ID_LENGTH) {
    return `it has ${id.length} UTF-16 code units, more than ${MAX_WORKFLOW_ID_LENGTH}`;
  }
  if (LONE_SURROGATE.test(id)) return "it holds a lone surrogate (not well-formed Unicode)";
  if (CONTROL.test(id)) return "it holds a control character";
  if (id === "." || id === "..") return `"${id}" is a path segment, not an id`;
  return undefined;
}

/**
 * Checks a workflow id.
 *
 * @param id The id.
 * @returns The id.
 * @throws {InvalidArgumentError} When it breaks the rule, naming the part broken.
 * @example
 * ```ts
 * import { checkWorkflowId } from "./workflow_id.ts";
 * console.assert(checkWorkflowId("order-1") === "order-1");
 * ```
 */
export function checkWorkflowId(id: unknown): string {
  const problem = workflowIdProblem(id);
  if (problem !== undefined) {
    const shown = typeof id === "string" && id.length > 80
      ? `${JSON.stringify(id.slice(0, 80))}…`
      : JSON.stringify(id);
    throw new InvalidArgumentError(
      `Invalid workflowId ${shown}: ${problem}; an id is ${WORKFLOW_ID_RULE}`,
    );
  }
  return id as string;
}
