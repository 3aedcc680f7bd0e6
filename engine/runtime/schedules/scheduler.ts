/**
 * Firing schedules in an owner: for each partition it serves, the due part of the next-fire
 * index is read, and each due schedule is planned (`plan.ts`), its runs started (create-if-absent
 * on the deterministic id `<scheduleId>@<fire time>`) and its record advanced with a check of
 * the versionstamp it was read at. Two processes that fire one schedule at once start the same
 * runs (one creates each) and only one advances it; a crash between the starts and the advance
 * starts nothing twice (the next owner plans the same fires). It runs on a timer armed for the
 * next due schedule (at most the poll interval away, for schedules written by other processes),
 * and on `engine.tick()` (Deno Deploy).
 *
 * @module
 */

import type { WorkflowHandle, WorkflowRef } from "../../client.ts";
import { ErrorCode, LoomError } from "../../errors.ts";
import type { JsonValue } from "../../json.ts";
import {
  dueSchedules,
  getRun,
  getSchedule,
  isTransientStorageError,
  removeDueEntry,
  replaceSchedule,
  type ScheduleRecord,
} from "../../../store/mod.ts";
import { type CronTimes, parseCron } from "./cron.ts";
import { fireRunId } from "./info.ts";
import { type FireState, planFires } from "./plan.ts";

/** What the scheduler needs from the engine. */
export interface SchedulerDeps {
  /** The KV handle. */
  kv: Deno.Kv;
  /** The clock (ms since the epoch). */
  clock(): number;
  /** Longest time between two reads of the index, in ms. */
  intervalMs: number;
  /** The partitions this process serves now. */
  partitions(): number[];
  /** Starts a run (or finds the run with that id). */
  start(
    workflow: WorkflowRef,
    input: JsonValue,
    workflowId: string,
  ): Promise<WorkflowHandle<unknown>>;
  /** Receives errors no caller can receive. */
  report(error: unknown): void;
}

/** Due schedules read per partition per poll. */
const BATCH = 100;
/** Schedules fired at once. */
const FIRES_AT_ONCE = 100;
/** Tries of a schedule's advance when other processes change it meanwhile. */
const TRIES = 5;

/** Errors after which the fire is tried again later, rather than recorded as failed. */
const RETRIED: ReadonlySet<string> = new Set([
  ErrorCode.EngineClosed,
  ErrorCode.LeaseLost,
  ErrorCode.OwnerLease,
  ErrorCode.Storage,
  ErrorCode.StorageUnavailable,
]);

/** What one poll found: the next due time, and whether schedules wait (sooner look again). */
interface PollOutcome {
  next: number | undefined;
  waiting: boolean;
  more: boolean;
  started: number;
}

/** See the module doc. */
export class Scheduler {
  readonly #deps: SchedulerDeps;
  readonly #crons = new Map<string, CronTimes>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #last: Promise<unknown> = Promise.resolve();
  #running = false;

  /**
   * Creates the scheduler (stopped).
   *
   * @param deps What it needs.
   */
  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  /** Starts polling (the first poll at once). */
  start(): void {
    this.#running = true;
    this.#arm(0);
  }

  /** Stops polling (a poll in progress ends on its own). */
  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** A schedule changed in this process: look at the index again now. */
  wake(): void {
    if (this.#running) this.#arm(0);
  }

  /**
   * Fires the due schedules of the partitions served now, once. One poll at a time: a call
   * during a poll runs after it.
   *
   * @returns How many runs it started.
   */
  async poll(): Promise<number> {
    return (await this.#queue()).started;
  }

  #queue(): Promise<PollOutcome> {
    const next = this.#last.then(() => this.#pollOnce());
    this.#last = next.catch(() => {});
    return next;
  }

  #arm(ms: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#running) return;
      this.#queue().then((o) => {
        if (!this.#running || this.#timer !== undefined) return;
        const { intervalMs } = this.#deps;
        const until = o.next === undefined ? intervalMs : o.next - this.#deps.clock();
        this.#arm(o.more ? 10 : Math.max(0, Math.min(intervalMs, until)));
      }, (e) => {
        // A lock held by another writer passes: the next poll tries again.
        if (this.#running && !isTransientStorageError(e)) this.#deps.report(e);
        if (this.#running && this.#timer === undefined) this.#arm(this.#deps.intervalMs);
      });
    }, ms);
  }

  async #pollOnce(): Promise<PollOutcome> {
    const out: PollOutcome = { next: undefined, waiting: false, more: false, started: 0 };
    const soonest = (t: number | null | undefined) => {
      if (t !== null && t !== undefined && (out.next === undefined || t < out.next)) out.next = t;
    };
    const now = this.#deps.clock();
    const reads = await Promise.all(
      this.#deps.partitions().map((p) => dueSchedules(this.#deps.kv, p, now, BATCH)),
    );
    const due = reads.flatMap((r) => r.due);
    for (const r of reads) {
      soonest(r.next);
      if (r.due.length === BATCH) out.more = true;
    }
    // Schedules fire side by side (each on its own record), a few at a time.
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const d = due[next++] as (typeof due)[number];
        const fired = await this.#fire(d.id, d.key, d.at);
        out.started += fired.started;
        if (fired.wakeAt !== null && fired.wakeAt <= this.#deps.clock()) out.waiting = true;
        else soonest(fired.wakeAt);
      }
    };
    await Promise.all(Array.from({ length: Math.min(FIRES_AT_ONCE, due.length) }, worker));
    return out;
  }

  #cron(r: ScheduleRecord): CronTimes {
    const key = `${r.timezone} ${r.cron}`;
    let cron = this.#crons.get(key);
    if (cron === undefined) {
      cron = parseCron(r.cron, r.timezone);
      if (this.#crons.size > 1000) this.#crons.clear();
      this.#crons.set(key, cron);
    }
    return cron;
  }

  async #lastRunRunning(r: ScheduleRecord): Promise<boolean> {
    if (r.overlap === "allow_all" || r.lastRunId === null) return false;
    try {
      return (await getRun(this.#deps.kv, r.lastRunId))?.status === "RUNNING";
    } catch {
      return false; // a damaged run does not hold the schedule up
    }
  }

  /** Fires one due schedule: plan, start, advance (compare-and-set, retried when it raced). */
  async #fire(
    id: string,
    key: Deno.KvKey,
    at: number,
  ): Promise<{ started: number; wakeAt: number | null }> {
    const { kv } = this.#deps;
    for (let i = 0; i < TRIES; i++) {
      const entry = await getSchedule(kv, id);
      if (entry === undefined || entry.record.wakeAt !== at) {
        // Deleted, or moved: this index entry is not the schedule's (any more).
        await removeDueEntry(kv, key);
        return { started: 0, wakeAt: entry?.record.wakeAt ?? null };
      }
      const r = entry.record;
      const now = this.#deps.clock();
      if (r.paused || r.wakeAt === null || r.wakeAt > now) return { started: 0, wakeAt: r.wakeAt };
      const state: FireState = {
        nextFireAt: r.nextFireAt,
        buffered: r.buffered,
        overlap: r.overlap as FireState["overlap"],
        catchup: r.catchup as FireState["catchup"],
      };
      const plan = planFires(state, this.#cron(r), now, await this.#lastRunRunning(r));
      if (!plan.changed) return { started: 0, wakeAt: r.wakeAt };
      const results = await Promise.allSettled(
        plan.starts.map((t) =>
          this.#deps.start(r.workflow, r.input as JsonValue, fireRunId(id, t))
        ),
      );
      let error: string | null = null;
      let started = 0;
      for (const res of results) {
        if (res.status === "fulfilled") {
          started++;
          continue;
        }
        const e = res.reason;
        // Not recorded: the fire is planned again at the next poll (or by the next owner).
        if ((e instanceof LoomError && RETRIED.has(e.code)) || isTransientStorageError(e)) throw e;
        error = `Cannot start workflow "${r.workflow}": ${(e as Error)?.message ?? String(e)}`;
        this.#deps.report(e);
      }
      const last = plan.starts.at(-1);
      const next: ScheduleRecord = {
        ...r,
        nextFireAt: plan.nextFireAt,
        buffered: plan.buffered,
        wakeAt: plan.buffered ?? plan.nextFireAt,
        lastFireAt: last ?? r.lastFireAt,
        lastRunId: last === undefined ? r.lastRunId : fireRunId(id, last),
        fires: r.fires + started,
        skipped: r.skipped + plan.skipped + (plan.starts.length - started),
        lastError: error ?? (started > 0 ? null : r.lastError),
        updatedAt: now,
      };
      if (await replaceSchedule(kv, entry, next)) return { started, wakeAt: next.wakeAt };
    }
    return { started: 0, wakeAt: null };
  }
}
