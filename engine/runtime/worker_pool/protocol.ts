/**
 * The messages between the main isolate and its Workers: one discriminated union per direction,
 * with request ids. Errors cross as data (`SerializedError`, rebuilt by code), never as objects.
 * Each `postMessage` carries an array of messages, so that what happens in one tick crosses once.
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
  /** Outcome of a `runActivity`. */
  | { type: "activityDone"; id: number; result: ActivityResult }
  /** The Worker is about to die (uncaught error, `self.close()`, `Deno.exit()`). */
  | { type: "fatal"; error: SerializedError };

/** Any message between the isolates. */
export type WorkerMessage = ToWorker | FromWorker;
