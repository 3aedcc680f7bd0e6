/**
 * The owner's in-memory state of one running workflow: its record, what waits to be delivered,
 * and its in-flight activities and armed timers. Everything here can be rebuilt from the store.
 *
 * @module
 */

import type { HistoryEntry } from "../replay/history.ts";
import type { WorkflowDefinition } from "../replay/definitions.ts";
import { type WorkflowEvent, WorkflowStatus } from "../replay/events.ts";
import type { JsonValue } from "../json.ts";
import {
  type InboxAnswer,
  type StoredValue,
  TaskKind,
  type TaskRecord,
  type WorkflowRecord,
} from "../../store/mod.ts";

/** A resolution waiting to be delivered, and who to tell once it has landed. */
export interface Item {
  /** The resolution. */
  event: WorkflowEvent;
  /** Called once the transition that recorded it landed (or with the reason it did not). */
  done?: (error?: Error) => void;
  /** The inbox request it comes from: the transition that records it answers the request. */
  answer?: InboxTicket;
}

/** An inbox request carried out by a transition; `answered` once that transition landed. */
export interface InboxTicket extends InboxAnswer {
  /** The transition that answered it landed. */
  answered: boolean;
}

/** An activity call of the run that has not finished. */
export interface ActivityState {
  /** Seq of the call. */
  seq: number;
  /** Activity name. */
  name: string;
  /** Arguments. */
  args: JsonValue[];
  /** Attempt running, or to run next. */
  attempt: number;
  /** When the next attempt is due, while waiting for a retry (cleared when it starts). */
  retryAt?: number;
  /** Due times of the retry wake-ups armed so far (removed when the activity ends). */
  armed?: number[];
  /** Aborts the running attempt. */
  controller?: AbortController;
}

/** See the module doc. */
export class Run {
  /** The record as of the last transition built (it may still be committing). */
  record: WorkflowRecord;
  /** The record as of the last transition that landed; `undefined` before the first. */
  committed: WorkflowRecord | undefined;
  /** A terminal transition was built: no more activations. */
  ended = false;
  /** A transition was refused; the run is being failed. */
  broken = false;
  /** The input. */
  readonly input: JsonValue;
  /** Resolutions waiting for the next activation. */
  inbox: Item[] = [];
  /** Informational events (retries) waiting to be appended. */
  infos: WorkflowEvent[] = [];
  /** An activation is in progress. */
  busy = false;
  /** The record does not exist in the store yet. */
  created = false;
  /** History to hand to the executor with the next activation (after recovery). */
  history: HistoryEntry[] | undefined;
  /** The run's driver task. */
  stepTask: TaskRecord | undefined;
  /** Tasks of activities and timers, by seq. */
  readonly tasks = new Map<number, TaskRecord>();
  /** Unfinished activities, by seq. */
  readonly activities = new Map<number, ActivityState>();
  /** Armed timers: seq → due time. */
  readonly timers = new Map<number, number>();
  /** In-process timeouts of timers and retries, by seq. */
  readonly timeouts = new Map<number, ReturnType<typeof setTimeout>>();
  /** Its record was written by a start outside the owner; its first transition clears the marker. */
  pendingStart = false;
  /** A transition was rolled back after a passing storage error; the run waits for the store. */
  rolledBack = false;
  /** Resolutions of rolled-back transitions, delivered again once the store takes writes. */
  requeued: Item[] = [];
  /** Informational events of rolled-back transitions, appended again then. */
  requeuedInfos: WorkflowEvent[] = [];
  /** The run cannot go on until its definition is registered. */
  blocked: Error | undefined;
  /** Transitions submitted and not yet landed (or refused). */
  landing = 0;

  /**
   * Creates the state of a run.
   *
   * @param record The record.
   * @param input The input.
   */
  constructor(record: WorkflowRecord, input: JsonValue) {
    this.record = record;
    this.input = input;
  }

  /**
   * The state of a new run, before its first transition.
   *
   * @param def Its definition.
   * @param run Its id, input, the reference its record holds for the input (the store's
   * `inputReference`), start time (ms) and partition.
   * @returns The run, marked as not yet in the store.
   */
  static create(
    def: WorkflowDefinition,
    run: { id: string; input: JsonValue; inputRef: StoredValue; time: number; partition: number },
  ): Run {
    const { id, input, time, partition } = run;
    const created = new Run({
      id,
      name: def.name,
      version: def.version,
      description: def.description,
      module: def.module,
      status: WorkflowStatus.Running,
      createdAt: time,
      updatedAt: time,
      entries: 0,
      events: 0,
      input: run.inputRef,
      partition,
      tasks: [],
    }, input);
    created.created = true;
    return created;
  }

  /**
   * Goes back to the state of a landed record: its record, its open tasks, and whether its
   * pending-start marker is still there (a record with no entries yet). Transitions built after
   * it that never landed are forgotten.
   *
   * @param record The record as it landed.
   */
  resetTo(record: WorkflowRecord): void {
    this.record = record;
    this.committed = record;
    this.created = false;
    this.ended = false;
    // A run whose only landed write is its record (started outside the owner) still has its
    // pending-start marker: the next transition clears it.
    this.pendingStart = record.entries === 0;
    this.tasks.clear();
    this.stepTask = undefined;
    for (const task of record.tasks ?? []) {
      if (task.kind === TaskKind.Step) this.stepTask = task;
      else if (task.seq !== undefined) this.tasks.set(task.seq, task);
    }
  }

  /** The run's id. */
  get id(): string {
    return this.record.id;
  }
}

/**
 * Counts what loaded runs have in flight.
 *
 * @param runs The loaded runs.
 * @returns Unfinished activity calls, and armed timers.
 */
export function inFlight(runs: Iterable<Run>): { activities: number; timers: number } {
  let activities = 0;
  let timers = 0;
  for (const run of runs) {
    activities += run.activities.size;
    timers += run.timers.size;
  }
  return { activities, timers };
}

/**
 * Whether an activity attempt of a loaded run is running now.
 *
 * @param runs The loaded runs.
 * @returns True while one is.
 */
export function attemptsRunning(runs: Iterable<Run>): boolean {
  for (const run of runs) {
    for (const a of run.activities.values()) if (a.controller !== undefined) return true;
  }
  return false;
}
