/**
 * Drives a machine by hand in tests: build activations, collect outbound events.
 *
 * @module
 */

import {
  activate,
  type ActivationOutput,
  type WorkflowDefinition,
  type WorkflowEvent,
  WorkflowMachine,
} from "../../../engine/replay/mod.ts";
import { settle } from "../../../engine/runtime/settle.ts";

/** A machine plus the history it made so far. */
export class Driver {
  readonly machine: WorkflowMachine;
  readonly history: { kind: "activation"; time: number; events: WorkflowEvent[] }[] = [];
  #time = 1_000;

  constructor(definition: WorkflowDefinition, input: unknown = null, id = "wf-1") {
    this.machine = new WorkflowMachine({ workflowId: id, definition, input: input as never });
  }

  /** Runs one activation, records it, returns its output. */
  async step(...inbound: WorkflowEvent[]): Promise<ActivationOutput> {
    this.#time += 1000;
    const out = await activate(this.machine, { time: this.#time, inbound }, settle);
    this.history.push({
      kind: "activation",
      time: this.#time,
      events: [...out.inbound, ...out.outbound],
    });
    return out;
  }

  /** Starts the run. */
  start(input: unknown = null): Promise<ActivationOutput> {
    return this.step({
      type: "WORKFLOW_STARTED",
      payload: { input: input as never, workflow_name: "x", version: "1" },
    });
  }
}

/** Types of events, for compact assertions. */
export function types(out: ActivationOutput): string[] {
  return out.outbound.map((e) => e.type);
}

/** An ACTIVITY_COMPLETED event. */
export function completed(seq: number, result: unknown, name = "any"): WorkflowEvent {
  return {
    type: "ACTIVITY_COMPLETED",
    payload: { seq, name, result: result as never, attempt: 1 },
  };
}

/** A TIMER_FIRED event. */
export function fired(seq: number): WorkflowEvent {
  return { type: "TIMER_FIRED", payload: { seq, timer_id: `wf-1:${seq}` } };
}

/** A SIGNAL_RECEIVED event. */
export function signal(name: string, data: unknown): WorkflowEvent {
  return { type: "SIGNAL_RECEIVED", payload: { name, payload: data as never, sent_at: "t" } };
}

/** A CANCEL_REQUESTED event. */
export function cancel(reason: string): WorkflowEvent {
  return { type: "CANCEL_REQUESTED", payload: { reason, requested_at: "t" } };
}
