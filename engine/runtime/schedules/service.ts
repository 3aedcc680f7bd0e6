/**
 * The schedules API over KV (`engine.schedules`, `connectKv(...).schedules`): create, list,
 * read, pause, resume, trigger and delete. Every change is a compare-and-set on the schedule's
 * record (retried when another process changed it meanwhile); firing is the scheduler's
 * (`scheduler.ts`).
 *
 * @module
 */

import type {
  CreateScheduleOptions,
  ScheduleClient,
  ScheduleInfo,
  WorkflowHandle,
  WorkflowRef,
} from "../../client.ts";
import { ScheduleAlreadyExistsError, ScheduleNotFoundError, StorageError } from "../../errors.ts";
import type { JsonValue } from "../../json.ts";
import {
  getSchedule,
  insertSchedule,
  listSchedules,
  removeSchedule,
  replaceSchedule,
  type ScheduleEntry,
  type ScheduleRecord,
} from "../../../store/mod.ts";
import { retryTransient } from "./_retry.ts";
import { parseCron } from "./cron.ts";
import { fireRunId, scheduleInfo } from "./info.ts";
import { checkScheduleId, checkScheduleOptions } from "./options.ts";

/** What the schedules API needs from the process it runs in. */
export interface ScheduleServiceDeps {
  /** The KV handle. */
  kv: Deno.Kv;
  /** The partition of an id (a schedule's owner is its partition's). */
  partitionOf(id: string): number;
  /**
   * The name of a workflow this process or an owner of the file knows.
   *
   * @throws {WorkflowDefinitionNotFoundError} When none does.
   */
  workflowName(ref: CreateScheduleOptions["workflow"]): Promise<string>;
  /** Starts a run (or finds the run with that id). */
  start(
    workflow: WorkflowRef,
    input: JsonValue,
    workflowId: string,
  ): Promise<WorkflowHandle<unknown>>;
  /** The clock (ms since the epoch). */
  clock(): number;
  /** Tells the scheduler of this process that a schedule changed. */
  changed(): void;
}

/** Tries of a compare-and-set before giving up. */
const TRIES = 50;

/** See the module doc. */
export class ScheduleService implements ScheduleClient {
  readonly #deps: ScheduleServiceDeps;

  /**
   * Creates the API.
   *
   * @param deps What it needs.
   */
  constructor(deps: ScheduleServiceDeps) {
    this.#deps = deps;
  }

  async create(options: CreateScheduleOptions): Promise<ScheduleInfo> {
    const checked = checkScheduleOptions(options);
    const workflow = await this.#deps.workflowName(options.workflow);
    const now = this.#deps.clock();
    const next = checked.cron.next(now) ?? null;
    const record: ScheduleRecord = {
      id: checked.id,
      cron: checked.cron.expression,
      timezone: checked.cron.timezone,
      workflow,
      input: checked.input,
      overlap: checked.overlap,
      catchup: checked.catchup,
      paused: false,
      createdAt: now,
      updatedAt: now,
      nextFireAt: next,
      wakeAt: next,
      lastFireAt: null,
      lastRunId: null,
      buffered: null,
      fires: 0,
      skipped: 0,
      lastError: null,
      partition: this.#deps.partitionOf(checked.id),
    };
    const kv = this.#deps.kv;
    if (!await retryTransient("create the schedule", () => insertSchedule(kv, record))) {
      throw new ScheduleAlreadyExistsError(checked.id);
    }
    this.#deps.changed();
    return scheduleInfo(record);
  }

  async list(): Promise<ScheduleInfo[]> {
    const kv = this.#deps.kv;
    return (await retryTransient("list the schedules", () => listSchedules(kv))).map(scheduleInfo);
  }

  async get(id: string): Promise<ScheduleInfo> {
    return scheduleInfo((await this.#read(id)).record);
  }

  pause(id: string): Promise<ScheduleInfo> {
    return this.#update(id, (r, now) =>
      r.paused ? undefined : {
        ...r,
        paused: true,
        nextFireAt: null,
        wakeAt: null,
        buffered: null,
        updatedAt: now,
      });
  }

  resume(id: string): Promise<ScheduleInfo> {
    return this.#update(id, (r, now) => {
      if (!r.paused) return undefined;
      const next = parseCron(r.cron, r.timezone).next(now) ?? null;
      return { ...r, paused: false, nextFireAt: next, wakeAt: next, updatedAt: now };
    });
  }

  async trigger<S = Record<string, JsonValue>>(id: string): Promise<WorkflowHandle<S>> {
    const { record } = await this.#read(id);
    const at = this.#deps.clock();
    const runId = fireRunId(record.id, at);
    const handle = await this.#deps.start(record.workflow, record.input as JsonValue, runId);
    await this.#update(id, (r, now) => ({
      ...r,
      lastFireAt: at,
      lastRunId: runId,
      fires: r.fires + 1,
      lastError: null,
      updatedAt: now,
    })).catch((e) => {
      // Deleted meanwhile: the run started all the same.
      if (!(e instanceof ScheduleNotFoundError)) throw e;
    });
    return handle as WorkflowHandle<S>;
  }

  async delete(id: string): Promise<void> {
    for (let i = 0; i < TRIES; i++) {
      const entry = await this.#read(id);
      const kv = this.#deps.kv;
      if (await retryTransient("delete the schedule", () => removeSchedule(kv, entry))) {
        this.#deps.changed();
        return;
      }
    }
    throw this.#contended(id);
  }

  async #read(id: string): Promise<ScheduleEntry> {
    const checked = checkScheduleId(id);
    const kv = this.#deps.kv;
    const entry = await retryTransient("read the schedule", () => getSchedule(kv, checked));
    if (entry === undefined) throw new ScheduleNotFoundError(id);
    return entry;
  }

  /** Applies a change to a schedule's record (`undefined`: nothing to change). */
  async #update(
    id: string,
    change: (record: ScheduleRecord, now: number) => ScheduleRecord | undefined,
  ): Promise<ScheduleInfo> {
    for (let i = 0; i < TRIES; i++) {
      const entry = await this.#read(id);
      const next = change(entry.record, this.#deps.clock());
      if (next === undefined) return scheduleInfo(entry.record);
      const kv = this.#deps.kv;
      if (await retryTransient("change the schedule", () => replaceSchedule(kv, entry, next))) {
        this.#deps.changed();
        return scheduleInfo(next);
      }
    }
    throw this.#contended(id);
  }

  #contended(id: string): StorageError {
    return new StorageError(
      `Schedule "${id}" kept changing while it was being updated (${TRIES} tries): try again`,
    );
  }
}
