/**
 * Who is told what happens in the engine: subscribers to landed transitions (`EngineChange`,
 * the live feed and the CLI use it), and the test hook called at named crash points.
 *
 * @module
 */

import type { WorkflowEvent, WorkflowStatus } from "../replay/events.ts";
import { ensureError } from "../errors.ts";
import type { LogRecord, StoredEvent, Transition } from "../../store/mod.ts";
import { publicPayload } from "../views/mod.ts";

/** Named points where tests stop the engine to kill it (`crashPoint` option). */
export const CrashPoint = {
  /** The transition that created a run has landed. */
  StartCommitted: "start-committed",
  /** An activity attempt is about to run. */
  ActivityStarted: "activity-started",
  /** A transition that recorded an activity's result has landed; the next call is not sent yet. */
  ActivityCommitted: "activity-committed",
  /** A transition that armed a timer has landed. */
  TimerArmed: "timer-armed",
  /**
   * A transition that carried out an inbox request (a signal or cancel from another process)
   * has landed; nothing else has answered the request.
   */
  InboxCarriedOut: "inbox-carried-out",
  /**
   * The chunks of a value too large for the transition's own atomic operation have landed in
   * operations of their own; the transition that references them has not.
   */
  ChunksWritten: "chunks-written",
} as const;

/** A value of {@linkcode CrashPoint}. */
export type CrashPoint = typeof CrashPoint[keyof typeof CrashPoint];

/** The test hook called at crash points. */
export type CrashHook = (point: CrashPoint, workflowId: string) => void | Promise<void>;

/**
 * What changed in one landed transition; observers (live feed, CLI) subscribe to these. Hook
 * tokens are redacted from its events, as from every read of events.
 */
export interface EngineChange {
  /** The run. */
  workflowId: string;
  /** Workflow name. */
  name: string;
  /** Status after the transition. */
  status: WorkflowStatus;
  /** The events recorded, with their global ids. */
  events: StoredEvent[];
  /** The log entries recorded. */
  logs: LogRecord[];
}

/**
 * The change a landed transition makes, for subscribers.
 *
 * @param t The transition.
 * @returns Its events (with global ids) and logs, and the run's status after it.
 */
export function changeOf(t: Transition): EngineChange {
  const events: StoredEvent[] = [];
  for (const h of t.history) {
    (h.events as WorkflowEvent[]).forEach((e, i) =>
      events.push({
        id: h.firstEventId + i,
        workflowId: t.workflowId,
        type: e.type,
        payload: publicPayload(e.type, e.payload),
        createdAt: h.time,
      })
    );
  }
  return {
    workflowId: t.workflowId,
    name: t.record.name,
    status: t.record.status as WorkflowStatus,
    events,
    logs: t.logs,
  };
}

/**
 * Whether a transition recorded an event of a type.
 *
 * @param t The transition.
 * @param type An event type.
 * @returns `true` when one of its events has that type.
 */
export function recorded(t: Transition, type: string): boolean {
  return t.history.some((h) => (h.events as WorkflowEvent[]).some((e) => e.type === type));
}

/** Subscribers to landed transitions, and the crash-point hook. */
export class Listeners {
  readonly #listeners = new Set<(change: EngineChange) => void>();
  readonly #crash: CrashHook | undefined;
  readonly #report: (error: Error) => void;

  /**
   * Creates the set.
   *
   * @param report Receives what a listener throws.
   * @param crash The crash-point hook, when testing.
   */
  constructor(report: (error: Error) => void, crash?: CrashHook) {
    this.#report = report;
    this.#crash = crash;
  }

  /** Listeners subscribed. */
  get size(): number {
    return this.#listeners.size;
  }

  /** A crash-point hook is set. */
  get crashing(): boolean {
    return this.#crash !== undefined;
  }

  /**
   * Adds a listener.
   *
   * @param listener Receives every change.
   * @returns A function that removes it.
   */
  subscribe(listener: (change: EngineChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Tells every listener; what one throws is reported, and the others are still told.
   *
   * @param change What changed.
   */
  emit(change: EngineChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (e) {
        this.#report(ensureError(e));
      }
    }
  }

  /**
   * Calls the crash-point hook, if any.
   *
   * @param point The point reached.
   * @param workflowId The run.
   */
  async crash(point: CrashPoint, workflowId: string): Promise<void> {
    if (this.#crash !== undefined) await this.#crash(point, workflowId);
  }
}
