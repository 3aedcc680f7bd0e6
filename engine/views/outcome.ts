/**
 * How a finished run's record becomes what `result()` returns or throws.
 *
 * @module
 */

import {
  deserializeError,
  ErrorCode,
  type SerializedError,
  WorkflowCancelledError,
  WorkflowExecutionError,
} from "../errors.ts";
import { WorkflowStatus } from "../replay/events.ts";
import type { WorkflowRecord } from "../../store/mod.ts";

/**
 * The error `result()` rejects with for a run that did not complete.
 *
 * @param record A failed or cancelled run.
 * @returns `ActivityFailedError` when an activity's failure was not caught,
 * `WorkflowCancelledError` when cancelled, otherwise `WorkflowExecutionError` with the cause.
 */
export function outcomeError(record: WorkflowRecord): Error {
  const data = record.error as SerializedError | undefined;
  if (record.status === WorkflowStatus.Cancelled) {
    return new WorkflowCancelledError(data?.details?.reason ?? "cancelled");
  }
  const cause = data === undefined ? new Error("unknown error") : deserializeError(data);
  if (data?.code === ErrorCode.ActivityFailed) return cause;
  return new WorkflowExecutionError(
    `Workflow "${record.name}" (id "${record.id}") failed: ${cause.message}`,
    { cause },
  );
}

/**
 * Tells whether a status is final.
 *
 * @param status A status.
 * @returns `true` for COMPLETED, FAILED and CANCELLED.
 */
export function isTerminal(status: string): boolean {
  return status === WorkflowStatus.Completed || status === WorkflowStatus.Failed ||
    status === WorkflowStatus.Cancelled;
}
