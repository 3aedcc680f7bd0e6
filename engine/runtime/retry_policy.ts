/**
 * What an activity attempt's outcome becomes, as a pure function: its result, a retry after a
 * back-off, or the call's failure after its last attempt (or at once for an error that is not
 * retryable).
 *
 * @module
 */

import type { ActivityDefinition } from "../replay/definitions.ts";
import { EventType, isoTime, type WorkflowEvent } from "../replay/events.ts";
import { ErrorCode, type SerializedError } from "../errors.ts";
import type { ActivityResult } from "./executor.ts";

/** What to record after an attempt. */
export type AttemptOutcome =
  /** The call ended (`ACTIVITY_COMPLETED` or `ACTIVITY_FAILED`): deliver it to the run. */
  | { kind: "resolve"; event: WorkflowEvent }
  /** Try again at `at` (`ACTIVITY_RETRYING`: recorded as information, not delivered). */
  | { kind: "retry"; event: WorkflowEvent; at: number };

/** The back-off part of a retry policy. */
export interface Backoff {
  /** Wait before the first retry, in ms. */
  initialIntervalMs: number;
  /** Factor by which each wait grows. */
  backoffCoefficient: number;
  /** Longest wait, in ms. */
  maxIntervalMs: number;
}

/**
 * The wait before the attempt that follows attempt number `attempt`.
 *
 * @param retry The policy's back-off.
 * @param attempt The attempt that failed, from 1.
 * @returns Milliseconds.
 */
export function backoffMs(retry: Backoff, attempt: number): number {
  const { initialIntervalMs, backoffCoefficient, maxIntervalMs } = retry;
  return Math.min(maxIntervalMs, initialIntervalMs * backoffCoefficient ** (attempt - 1));
}

/**
 * Whether a failed attempt is tried again: attempts are left, and the error is neither a bad
 * payload nor named (by its name or code) in the policy's `nonRetryable`.
 *
 * @param def The activity; `undefined` when it is not registered (never retried).
 * @param attempt The attempt that failed, from 1.
 * @param error Its error.
 * @returns Whether to retry.
 */
export function isRetryable(
  def: ActivityDefinition | undefined,
  attempt: number,
  error: SerializedError,
): boolean {
  return def !== undefined && attempt <= def.retryCount &&
    error.code !== ErrorCode.InvalidPayload &&
    !def.retry.nonRetryable.includes(error.name) &&
    !(error.code !== undefined && def.retry.nonRetryable.includes(error.code));
}

/**
 * Turns the outcome of an attempt into what to record.
 *
 * @param call The call: its seq, activity name and attempt number.
 * @param def The activity's definition (`undefined` when not registered).
 * @param result The attempt's outcome.
 * @param now The time of the outcome (ms), from which a retry is scheduled.
 * @returns The event to deliver, or the retry to record.
 */
export function attemptOutcome(
  call: { seq: number; name: string; attempt: number },
  def: ActivityDefinition | undefined,
  result: ActivityResult,
  now: number,
): AttemptOutcome {
  const { seq, name, attempt } = call;
  if (result.ok) {
    return {
      kind: "resolve",
      event: {
        type: EventType.ActivityCompleted,
        payload: { seq, name, result: result.result, attempt },
      },
    };
  }
  const error = result.error;
  if (def !== undefined && isRetryable(def, attempt, error)) {
    const at = now + backoffMs(def.retry, attempt);
    return {
      kind: "retry",
      at,
      event: {
        type: EventType.ActivityRetrying,
        payload: {
          seq,
          name,
          attempt,
          error: error.message,
          next_attempt_at: isoTime(at),
          next_attempt_at_ms: at,
        },
      },
    };
  }
  return {
    kind: "resolve",
    event: {
      type: EventType.ActivityFailed,
      payload: { seq, name, error: error.message, error_detail: error, attempts: attempt },
    },
  };
}
