/**
 * A workflow's history as entries (one per committed transition), replay of that history into a
 * fresh machine with a check of every call, and what is still pending according to it.
 *
 * @module
 */

import { NonDeterministicWorkflowError } from "../errors.ts";
import type { JsonValue } from "../json.ts";
import {
  describeEvent,
  EventType,
  isInbound,
  sameCall,
  type WorkflowEvent,
  WorkflowStatus,
} from "./events.ts";
import type { Activation, ActivationOutput, WorkflowMachine } from "./machine.ts";

/**
 * One committed transition of a workflow. An `activation` holds the resolutions delivered to the
 * code and then the events the code made in response; an `info` entry (retries) is not replayed.
 */
export interface HistoryEntry {
  /** What the entry is. */
  kind: "activation" | "info";
  /** Moment of the activation; `ctx.now()` during it. */
  time: number;
  /** Events: inbound ones first, then outbound ones. */
  events: WorkflowEvent[];
}

/** Waits until the microtasks of delivered resolutions have run (a macrotask boundary). */
export type Settle = () => Promise<void>;

/**
 * Runs one activation: delivers, settles, collects.
 *
 * @param machine The workflow's machine.
 * @param activation Time and resolutions.
 * @param settle Waits for a macrotask boundary.
 * @returns What the code made.
 */
export async function activate(
  machine: WorkflowMachine,
  activation: Activation,
  settle: Settle,
): Promise<ActivationOutput> {
  machine.deliver(activation);
  await settle();
  return machine.collect();
}

function mismatch(
  name: string,
  id: string,
  step: string | undefined,
  detail: string,
): NonDeterministicWorkflowError {
  return new NonDeterministicWorkflowError(
    `Workflow "${name}" (id "${id}") does not match its history in step "${
      step ?? "?"
    }": ${detail}`,
  );
}

/**
 * Re-runs recorded history in a fresh machine, checking that the code makes the recorded calls
 * in the recorded order, activation by activation.
 *
 * @param machine A machine that has not run yet.
 * @param entries The workflow's history.
 * @param settle Waits for a macrotask boundary.
 * @param names Workflow name and id, for error messages.
 * @throws {NonDeterministicWorkflowError} Naming the step and the expected and actual call.
 */
export async function replay(
  machine: WorkflowMachine,
  entries: readonly HistoryEntry[],
  settle: Settle,
  names: { name: string; id: string },
): Promise<void> {
  for (const entry of entries) {
    if (entry.kind !== "activation") continue;
    const inbound = entry.events.filter(isInbound);
    const recorded = entry.events.filter((e) => !isInbound(e));
    if (machine.status !== WorkflowStatus.Running) {
      throw mismatch(
        names.name,
        names.id,
        machine.step,
        `the code finished as ${machine.status}, but history goes on with ${
          describeEvent(entry.events[0] as WorkflowEvent)
        }`,
      );
    }
    const out = await activate(
      machine,
      { time: entry.time, inbound, replaying: true },
      settle,
    );
    if (out.inbound.length !== inbound.length) {
      const skipped = inbound.find((e) => !out.inbound.includes(e)) as WorkflowEvent;
      throw mismatch(
        names.name,
        names.id,
        machine.step,
        `history delivers ${describeEvent(skipped)}, which the code was not waiting for`,
      );
    }
    const n = Math.max(recorded.length, out.outbound.length);
    for (let i = 0; i < n; i++) {
      const want = recorded[i];
      const got = out.outbound[i];
      if (want !== undefined && got !== undefined && sameCall(want, got)) continue;
      const step = out.outboundSteps[i] ?? machine.step;
      const expected = want === undefined ? "nothing more" : describeEvent(want);
      let actual = got === undefined ? "no further call" : describeEvent(got);
      if (got?.type === EventType.WorkflowFailed) actual += ` (${got.payload.error})`;
      throw mismatch(
        names.name,
        names.id,
        step,
        `history has ${expected}, but the code made ${actual}`,
      );
    }
  }
}

/** An activity that history shows as scheduled and not finished. */
export interface PendingActivity {
  /** Seq of the call. */
  seq: number;
  /** Activity name. */
  name: string;
  /** Arguments. */
  args: JsonValue[];
  /** Number of the attempt to run next (1 for the first). */
  attempt: number;
  /** When a retry is due, if it is waiting for one. */
  retryAt?: number;
}

/** A timer that history shows as armed and not fired. */
export interface PendingTimer {
  /** Seq of the call. */
  seq: number;
  /** When it fires. */
  fireAt: number;
}

/** A hook that `ctx.createHook()` asked for and the engine has not minted yet. */
export interface PendingHook {
  /** Seq of the call. */
  seq: number;
  /** Its timeout, when it has one (ms). */
  timeoutMs?: number;
}

/** What history says is outstanding. */
export interface PendingWork {
  /** Status according to history. */
  status: WorkflowStatus;
  /** Unfinished activities by seq. */
  activities: Map<number, PendingActivity>;
  /** Armed timers by seq. */
  timers: Map<number, PendingTimer>;
  /** Hooks asked for and not minted yet, by seq. */
  hooks: Map<number, PendingHook>;
  /** Number of entries. */
  entries: number;
}

/**
 * Computes the outstanding activities, timers and hooks to mint of a history.
 *
 * @param entries The workflow's history.
 * @returns Status, unfinished activities and armed timers.
 */
export function pendingWork(entries: readonly HistoryEntry[]): PendingWork {
  const work: PendingWork = {
    status: WorkflowStatus.Running,
    activities: new Map(),
    timers: new Map(),
    hooks: new Map(),
    entries: entries.length,
  };
  for (const entry of entries) {
    for (const e of entry.events) {
      switch (e.type) {
        case EventType.ActivityScheduled:
          work.activities.set(e.payload.seq, {
            seq: e.payload.seq,
            name: e.payload.name,
            args: e.payload.args,
            attempt: 1,
          });
          break;
        case EventType.ActivityRetrying: {
          const a = work.activities.get(e.payload.seq);
          if (a !== undefined) {
            a.attempt = e.payload.attempt + 1;
            a.retryAt = e.payload.next_attempt_at_ms;
          }
          break;
        }
        case EventType.ActivityCompleted:
        case EventType.ActivityFailed:
        case EventType.ActivityCancelled:
          work.activities.delete(e.payload.seq);
          break;
        case EventType.TimerScheduled:
          work.timers.set(e.payload.seq, { seq: e.payload.seq, fireAt: e.payload.fire_at_ms });
          break;
        case EventType.TimerFired:
        case EventType.TimerCancelled:
          work.timers.delete(e.payload.seq);
          break;
        case EventType.HookRequested: {
          const hook: PendingHook = { seq: e.payload.seq };
          if (e.payload.timeout_ms !== undefined) hook.timeoutMs = e.payload.timeout_ms;
          work.hooks.set(e.payload.seq, hook);
          break;
        }
        case EventType.HookCreated:
          work.hooks.delete(e.payload.seq);
          break;
        case EventType.WorkflowCompleted:
          work.status = WorkflowStatus.Completed;
          break;
        case EventType.WorkflowFailed:
          work.status = WorkflowStatus.Failed;
          break;
        case EventType.WorkflowCancelled:
          work.status = WorkflowStatus.Cancelled;
          break;
        default:
          break;
      }
    }
  }
  return work;
}
