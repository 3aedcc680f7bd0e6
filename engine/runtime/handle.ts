/**
 * The engine's handle on one run.
 *
 * @module
 */

import type { ResultOptions, StreamOptions, WorkflowHandle, WorkflowInfo } from "../client.ts";
import type { WorkflowStatus } from "../replay/events.ts";
import type { JsonValue } from "../json.ts";

/** What a handle needs from the engine. */
export interface HandleBackend {
  /** Status of a run. */
  status(workflowId: string): Promise<WorkflowStatus>;
  /** Final state of a run, waiting for it unless told not to. */
  result(workflowId: string, options: ResultOptions): Promise<unknown>;
  /** Sends a signal. */
  signal(workflowId: string, name: string, data: JsonValue): Promise<void>;
  /** Requests cancellation. */
  cancel(workflowId: string, reason: string): Promise<void>;
  /** Reads what is known of a run. */
  info(workflowId: string): Promise<WorkflowInfo>;
  /** Reads a run's stream: what is written so far, then live, until the run has ended. */
  stream(workflowId: string, name: string, options: StreamOptions): AsyncIterable<unknown>;
}

/** A handle that forwards to a {@linkcode HandleBackend}. */
export class Handle<S> implements WorkflowHandle<S> {
  readonly workflowId: string;
  readonly created?: boolean;
  readonly #backend: HandleBackend;

  /**
   * Creates the handle.
   *
   * @param backend The engine or client.
   * @param workflowId The run.
   * @param created For a handle returned by `start()`: whether that call created the run.
   */
  constructor(backend: HandleBackend, workflowId: string, created?: boolean) {
    this.#backend = backend;
    this.workflowId = workflowId;
    if (created !== undefined) this.created = created;
  }

  status(): Promise<WorkflowStatus> {
    return this.#backend.status(this.workflowId);
  }

  result(options: ResultOptions = {}): Promise<S> {
    return this.#backend.result(this.workflowId, options) as Promise<S>;
  }

  signal(name: string, data: JsonValue = null): Promise<void> {
    return this.#backend.signal(this.workflowId, name, data);
  }

  cancel(reason = "Cancelled"): Promise<void> {
    return this.#backend.cancel(this.workflowId, reason);
  }

  info(): Promise<WorkflowInfo> {
    return this.#backend.info(this.workflowId);
  }

  stream<T = JsonValue>(name: string, options: StreamOptions = {}): AsyncIterable<T> {
    return this.#backend.stream(this.workflowId, name, options) as AsyncIterable<T>;
  }
}
