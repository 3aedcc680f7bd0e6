/**
 * Explains a workflow failure caused by the sandbox: when workflow code in a workflow Worker tried
 * I/O, Deno throws `NotCapable` ("Requires net access to ..., run again with the --allow-net
 * flag"), which is misleading there. The failure is rewritten to name the step and the denied
 * permission, and to say what to do instead.
 *
 * @module
 */

import { EventType, WorkflowStatus } from "../../replay/events.ts";
import type { ActivationOutput } from "../../replay/machine.ts";
import { ErrorCode, type SerializedError, serializeError } from "../../errors.ts";
import { NEVER_GIVEN, takeRefusedImport } from "./sandbox_globals.ts";

const DENIED = new Set(["NotCapable", "PermissionDenied"]);

/**
 * Rewrites the error of a run that failed because the sandbox denied a permission.
 *
 * @param output An activation's output (changed in place).
 * @param workflowId The run.
 * @returns The same output.
 */
export function explainDeniedIo(output: ActivationOutput, workflowId: string): ActivationOutput {
  const refusedImport = takeRefusedImport(workflowId);
  let error = output.error;
  if (output.status !== WorkflowStatus.Failed || error === undefined) return output;
  // A refused import() rejects too late: the run ended "stuck" waiting for it.
  if (refusedImport !== undefined && error.code === ErrorCode.WorkflowStuck) {
    error = serializeError(refusedImport);
  }
  // A refused dynamic import() arrives as a TypeError that carries the refusal's message.
  if (!DENIED.has(error.name) && !error.message.includes(NEVER_GIVEN)) return output;
  const index = output.outbound.findLastIndex((e) => e.type === EventType.WorkflowFailed);
  const failed = output.outbound[index];
  if (failed?.type !== EventType.WorkflowFailed) return output;
  const match = /Requires ([\w-]+) access(?: to (.+?))?, (?:run again|specify|which)/.exec(
    error.message,
  );
  const permission = match?.[1] ?? "I/O";
  const what = `${permission} access${match?.[2] === undefined ? "" : ` to ${match[2]}`}`;
  const message = `Step "${
    failed.payload.step ?? "?"
  }" was denied ${what}: workflow code runs in a sandbox without I/O, so do I/O in an activity (${error.name}: ${error.message})`;
  const explained: SerializedError = {
    ...error,
    message,
    details: { ...error.details, permission },
  };
  output.error = explained;
  output.outbound[index] = {
    ...failed,
    payload: { ...failed.payload, error: message, error_detail: explained },
  };
  return output;
}
