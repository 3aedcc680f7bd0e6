/**
 * What the pool sends to a Worker and waits for: a batch of activations, or one activity attempt.
 * A job remembers how often it was in a Worker that died, and whether it is a suspect (it was in
 * a Worker that died for no known reason, so it runs without other suspects beside it).
 *
 * @module
 */

import { serializeError, WorkerCrashedError } from "../../errors.ts";
import { EventType, type WorkflowEvent } from "../../replay/events.ts";
import type { HistoryEntry } from "../../replay/history.ts";
import type {
  ActivationRequest,
  ActivationResponse,
  ActivityRequest,
  ActivityResult,
} from "../executor.ts";

interface BaseJob {
  /** Request id, unique in the pool. */
  id: number;
  /** In a Worker that died for no known reason: runs without other suspects beside it. */
  suspect: boolean;
  /** Deaths of its Worker while it ran as the only suspect there. */
  crashes: number;
  /** Stops the Worker when the job overruns. */
  deadline?: ReturnType<typeof setTimeout>;
}

/** A batch of activations for one workflow Worker. */
export interface ActivationJob extends BaseJob {
  /** Discriminant. */
  kind: "activate";
  /** The activations. */
  requests: ActivationRequest[];
  /** Answers the batch, in order. */
  resolve: (responses: ActivationResponse[]) => void;
  /** Sent with history to replay, and the Worker has not said that the replays are done. */
  replaying?: boolean;
}

/** One activity attempt. */
export interface ActivityJob extends BaseJob {
  /** Discriminant. */
  kind: "activity";
  /** The attempt. */
  request: ActivityRequest;
  /** Answers the attempt. */
  resolve: (result: ActivityResult) => void;
  /** Answered already (aborted); only its Worker's deadline still matters. */
  detached: boolean;
  /** Sent to the current Worker. */
  sent: boolean;
  /** The slot that holds it now. */
  holder?: { abort(job: ActivityJob, reason: unknown): void };
}

/** A job. */
export type Job = ActivationJob | ActivityJob;

/**
 * Answers a job with an error (each activation of a batch gets it).
 *
 * @param job The job.
 * @param error Why it failed.
 */
export function failJob(job: Job, error: Error): void {
  clearTimeout(job.deadline);
  if (job.kind === "activate") {
    const data = serializeError(error);
    job.resolve(job.requests.map(() => ({ kind: "error", error: data })));
  } else if (!job.detached) {
    job.detached = true;
    job.resolve({ ok: false, error: serializeError(error) });
  }
}

/**
 * Splits a batch of activations into single suspects whose answers reassemble the batch.
 *
 * @param job The batch.
 * @param nextId Gives request ids.
 * @returns One job per activation.
 */
export function splitJob(job: ActivationJob, nextId: () => number): ActivationJob[] {
  const out: ActivationResponse[] = new Array(job.requests.length);
  let left = job.requests.length;
  return job.requests.map((req, i): ActivationJob => ({
    kind: "activate",
    id: nextId(),
    suspect: true,
    crashes: 0,
    requests: [req],
    resolve: ([response]) => {
      out[i] = response as ActivationResponse;
      if (--left === 0) job.resolve(out);
    },
  }));
}

/**
 * The step a replayed run was in: its history's last `STEP_START`.
 *
 * @param req The activation, with its history when it was replayed.
 * @returns The step's name, or `undefined` when it is not known.
 */
function stepOf(req: ActivationRequest | undefined): string | undefined {
  const history = req?.history;
  if (history === undefined) return undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    const events = (history[i] as HistoryEntry).events;
    for (let k = events.length - 1; k >= 0; k--) {
      const e = events[k] as WorkflowEvent;
      if (e.type === EventType.StepStart) return e.payload.step_name;
    }
  }
  return undefined;
}

/**
 * The error of a job that stopped its Worker too often.
 *
 * @param job The job.
 * @param reason Why the Worker died the last time.
 * @returns A `WorkerCrashedError` naming the activity, or the workflow and its step.
 */
export function crashedError(job: Job, reason: Error): WorkerCrashedError {
  let what: string;
  if (job.kind === "activity") {
    what =
      `Activity "${job.request.name}" (workflow "${job.request.workflowId}", attempt ${job.request.attempt})`;
  } else {
    const req = job.requests[0];
    const step = stepOf(req);
    what = `Workflow "${req?.name}" (id "${req?.workflowId}")${
      step === undefined ? "" : ` in step "${step}"`
    }`;
  }
  return new WorkerCrashedError(
    `${what} stopped its Worker ${job.crashes} times: ${reason.name}: ${reason.message}`,
    { cause: reason },
  );
}
