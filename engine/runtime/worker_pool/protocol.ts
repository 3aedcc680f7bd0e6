/**
 * The messages between the main isolate and its Workers: one discriminated union per direction,
 * with request ids. Errors cross as data (`SerializedError`, rebuilt by code), never as objects.
 * Each `postMessage` carries an array of messages, so that what happens in one tick crosses once.
 *
 * The main isolate trusts nothing a Worker sends: {@linkcode fromWorkerProblem} checks each
 * message's shape (a few property reads, no copies) before it is acted on.
 *
 * @module
 */

import type { SerializedError } from "../../errors.ts";
import type {
  ActivationRequest,
  ActivationResponse,
  ActivityRequest,
  ActivityResult,
} from "../executor.ts";
import type { RegistrySummary } from "./fingerprint.ts";

/** What a Worker runs: workflow code (sandboxed) or activity code. */
export const WorkerKind = {
  /** Runs workflow activations, without I/O permissions. */
  Workflow: "workflow",
  /** Runs activity attempts, with the process's permissions. */
  Activity: "activity",
} as const;

/** A value of {@linkcode WorkerKind}. */
export type WorkerKind = typeof WorkerKind[keyof typeof WorkerKind];

/** Main isolate → Worker. */
export type ToWorker =
  /** First message: import the modules, report the registry. */
  | {
    type: "init";
    kind: WorkerKind;
    /** Module URLs to import. */
    modules: string[];
    /** Live workflow instances to keep (workflow Workers). */
    cacheSize: number;
    /** Permissions to revoke once the modules are imported (`"read"`, `"import"`). */
    revoke: string[];
  }
  /** Run activations of several workflows together. */
  | { type: "activate"; id: number; requests: ActivationRequest[] }
  /** Run one activity attempt. */
  | { type: "runActivity"; id: number; request: ActivityRequest }
  /** Abort a running activity attempt. */
  | { type: "abort"; id: number; reason: SerializedError }
  /** Forget live workflow instances. */
  | { type: "evict"; workflowIds: string[] };

/** Worker → main isolate. */
export type FromWorker =
  /** The modules are imported; this is what registered. */
  | { type: "ready"; summary: RegistrySummary }
  /** A module could not be imported. */
  | { type: "initFailed"; module: string; error: SerializedError }
  /** Answers to an `activate`, in order. */
  | { type: "activated"; id: number; responses: ActivationResponse[] }
  /**
   * The replays of an `activate` that sent history are done: its workflow code now runs its
   * activation (which gets the live deadline from here on).
   */
  | { type: "replayed"; id: number }
  /** Outcome of a `runActivity`. */
  | { type: "activityDone"; id: number; result: ActivityResult }
  /** The Worker is about to die (uncaught error, `self.close()`, `Deno.exit()`). */
  | { type: "fatal"; error: SerializedError };

/** Any message between the isolates. */
export type WorkerMessage = ToWorker | FromWorker;

function isError(value: unknown): boolean {
  return typeof value === "object" && value !== null &&
    typeof (value as { message?: unknown }).message === "string" &&
    typeof (value as { name?: unknown }).name === "string";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function responseProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "an answer that is not an object";
  switch (value.kind) {
    case "needHistory":
      return undefined;
    case "error":
      return isError(value.error) ? undefined : "an error answer without an error";
    case "output": {
      const o = value.output;
      if (
        isObject(o) && Array.isArray(o.outbound) && Array.isArray(o.inbound) &&
        Array.isArray(o.outboundSteps) && Array.isArray(o.logs) && typeof o.status === "string" &&
        (o.error === undefined || isError(o.error))
      ) return undefined;
      return "an output of the wrong shape";
    }
    default:
      return `an answer of unknown kind ${JSON.stringify(String(value.kind)).slice(0, 40)}`;
  }
}

/**
 * Checks the shape of one message from a Worker.
 *
 * @param value What arrived (one element of a batch).
 * @returns What is wrong with it, or `undefined` when it has the shape of a {@linkcode FromWorker}.
 */
export function fromWorkerProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "a message that is not an object";
  switch (value.type) {
    case "ready": {
      const s = value.summary;
      return isObject(s) && isObject(s.workflows) && isObject(s.activities)
        ? undefined
        : "a ready message without a registry summary";
    }
    case "initFailed":
      return typeof value.module === "string" && isError(value.error)
        ? undefined
        : "an initFailed message of the wrong shape";
    case "activated": {
      if (typeof value.id !== "number" || !Array.isArray(value.responses)) {
        return "an activated message without an id or answers";
      }
      for (const r of value.responses) {
        const problem = responseProblem(r);
        if (problem !== undefined) return `an activated message with ${problem}`;
      }
      return undefined;
    }
    case "replayed":
      return typeof value.id === "number" ? undefined : "a replayed message without an id";
    case "activityDone": {
      const r = value.result;
      if (typeof value.id !== "number" || !isObject(r)) {
        return "an activityDone message without an id or result";
      }
      if (r.ok === true ? "result" in r : r.ok === false && isError(r.error)) return undefined;
      return "an activityDone message with a result of the wrong shape";
    }
    case "fatal":
      return isError(value.error) ? undefined : "a fatal message without an error";
    default:
      return `a message of unknown type ${JSON.stringify(String(value.type)).slice(0, 40)}`;
  }
}
