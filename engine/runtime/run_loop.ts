/**
 * The run loop: what waits for a run is delivered in one activation (batched across runs in one
 * tick), the activation's output is built into a transition (`transition.ts`, pure), the
 * transition is committed (grouped with other runs' by the committer), and only then are its
 * effects carried out (`effects.ts`) and its listeners told.
 *
 * @module
 */

import {
  deserializeError,
  ensureError,
  ErrorCode,
  serializeError,
  StorageError,
  WorkflowCancelledError,
  WorkflowNotRunningError,
} from "../errors.ts";
import type { WorkflowEvent } from "../replay/events.ts";
import type { HistoryEntry } from "../replay/history.ts";
import type { ActivationOutput } from "../replay/machine.ts";
import { EventType, WorkflowStatus } from "../replay/events.ts";
import { isTransientStorageError, PartitionNotHeld, type WorkflowRecord } from "../../store/mod.ts";
import { Effects } from "./effects.ts";
import type { ActivationRequest, ActivationResponse } from "./executor.ts";
import { byLane } from "./executor.ts";
import { changeOf, CrashPoint, recorded } from "./listeners.ts";
import { toEntry } from "./owner/recovery.ts";
import type { Item, Run } from "./run.ts";
import { buildTransition, failedOutput, isDone, type RunState } from "./transition.ts";
import type { RunLoopDeps } from "./run_loop_deps.ts";

interface Work {
  run: Run;
  items: Item[];
  infos: WorkflowEvent[];
}

/** See the module doc. */
export class RunLoop {
  /** The runs loaded, by id. */
  readonly runs = new Map<string, Run>();
  /** What carries out landed transitions' effects. */
  readonly effects: Effects;
  readonly #deps: RunLoopDeps;
  readonly #ready = new Set<Run>();
  /** Runs that wait for the store to take writes again. */
  readonly #parked = new Set<Run>();
  #flushQueued = false;
  #inFlight = 0;
  #drained: (() => void)[] = [];

  /**
   * Creates the loop.
   *
   * @param deps What it works with.
   */
  constructor(deps: RunLoopDeps) {
    this.#deps = deps;
    this.effects = new Effects({
      registry: deps.registry,
      executor: deps.executor,
      concurrency: deps.concurrency,
      listeners: deps.listeners,
      runs: this.runs,
      deliver: (run, item) => this.deliver(run, item),
      schedule: (run) => this.schedule(run),
      track: (work) => this.track(work),
      stopped: () => deps.lifecycle.closed,
      lease: deps.lease,
      publicUrl: deps.publicUrl,
    });
  }

  /**
   * Queues a resolution for a run's next activation.
   *
   * @param run The run.
   * @param item The resolution, and who to tell once it landed.
   */
  deliver(run: Run, item: Item): void {
    run.inbox.push(item);
    this.schedule(run);
  }

  /**
   * Asks for a run's next activation, if something waits for it and it is not busy; the runs
   * asked for in one tick are activated together.
   *
   * @param run The run.
   */
  schedule(run: Run): void {
    // A run let go (its partition handed over) is another process's now.
    if (run.busy || run.ended || run.broken || this.runs.get(run.id) !== run) return;
    if (run.inbox.length === 0 && run.infos.length === 0 && !run.rolledBack) return;
    if (this.#deps.storage.degraded !== undefined || run.rolledBack) {
      this.#parked.add(run);
      return;
    }
    this.#ready.add(run);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.#flush());
  }

  /**
   * Records a new run's start on its own (record, indexes, input) without waiting for its first
   * activation, so that the caller of `start()` can be answered when that activation is slow
   * (code that spins in a Worker until it is stopped). The first transition then only appends.
   *
   * @param run A run that does not exist in the store yet.
   * @returns Resolves once the record landed; `undefined` when the run's first transition is
   * built already (it lands soon).
   */
  recordStart(run: Run): Promise<void> | undefined {
    if (!run.created) return undefined;
    const record: WorkflowRecord = { ...run.record };
    run.created = false;
    return this.#deps.committer.submit({
      workflowId: run.id,
      record,
      created: true,
      input: run.input,
      history: [],
      finishedTasks: [],
      logs: [],
      timersSet: [],
      timersDelete: [],
      enqueue: [],
    }).then(() => {
      run.committed ??= record;
    });
  }

  /**
   * Keeps track of background work, so that shutdown can wait for it.
   *
   * @param work The work; what it rejects with is reported.
   */
  track(work: Promise<void>): void {
    this.#inFlight++;
    work.then(() => this.#settled(), (e) => {
      this.#deps.report(e);
      this.#settled();
    });
  }

  /** Resolves once no tracked work is left. */
  async drain(): Promise<void> {
    while (this.#inFlight > 0) await new Promise<void>((r) => this.#drained.push(r));
  }

  /**
   * Stops what waits for or runs in a run whose terminal transition landed: its timers, its
   * attempts (aborted), and resolutions that came too late (answered "not running").
   *
   * @param run The run.
   * @param record Its final record.
   */
  finish(run: Run, record: WorkflowRecord): void {
    this.runs.delete(run.id);
    this.#ready.delete(run);
    this.effects.halt(run, new WorkflowCancelledError("workflow ended"));
    run.activities.clear();
    run.busy = false;
    for (const item of run.inbox.splice(0)) {
      // A cancel that arrives while the run ends cancelled asked for what happened: it succeeds.
      if (
        item.event.type === EventType.CancelRequested && record.status === WorkflowStatus.Cancelled
      ) {
        item.done?.();
      } else {
        item.done?.(new WorkflowNotRunningError("deliver to", run.id, record.status));
      }
    }
  }

  /**
   * Lets runs go (their partition is handed over to another process): they leave the loop,
   * their timers stop, their running attempts are aborted, what waits to be delivered to them
   * is refused with `reason`, and their live instances are dropped.
   *
   * @param which The runs to let go.
   * @param reason Why, for what waits.
   * @returns The runs let go (their last transitions may still be landing).
   */
  evict(which: (run: Run) => boolean, reason: Error): Run[] {
    const out: Run[] = [];
    for (const run of this.runs.values()) if (which(run)) out.push(run);
    for (const run of out) {
      this.runs.delete(run.id);
      this.#ready.delete(run);
      this.#parked.delete(run);
      this.effects.halt(run, reason);
      run.activities.clear();
      for (const item of run.inbox.splice(0)) item.done?.(reason);
      this.#deps.executor.evict(run.id);
    }
    return out;
  }

  /**
   * The store takes writes again: the runs rolled back or parked meanwhile carry on, with their
   * rolled-back resolutions delivered again first, in their order.
   */
  resume(): void {
    const parked = [...this.#parked];
    this.#parked.clear();
    for (const run of parked) {
      if (run.rolledBack) {
        run.rolledBack = false;
        run.inbox = [...run.requeued, ...run.inbox];
        run.infos = [...run.requeuedInfos, ...run.infos];
        run.requeued = [];
        run.requeuedInfos = [];
      }
      if (this.runs.get(run.id) === run) this.schedule(run);
    }
  }

  #settled(): void {
    if (--this.#inFlight > 0) return;
    for (const resolve of this.#drained.splice(0)) resolve();
  }

  #flush(): void {
    this.#flushQueued = false;
    if (this.#deps.lifecycle.lost !== undefined) return;
    const runs = [...this.#ready];
    this.#ready.clear();
    if (runs.length === 0) return;
    for (const run of runs) run.busy = true;
    const work: Work[] = runs.map((run) => ({
      run,
      items: run.inbox.splice(0),
      infos: run.infos.splice(0),
    }));
    // Each lane (a Worker) apart, so that a stuck one holds up no other.
    for (const lane of byLane(this.#deps.executor, work)) this.track(this.#process(lane));
  }

  async #process(work: Work[]): Promise<void> {
    const time = Date.now();
    const activating = work.filter((w) => w.items.length > 0);
    const responses = await this.#activate(activating, time);
    for (const w of work) this.track(this.#land(w, responses.get(w.run), time));
  }

  async #activate(work: Work[], time: number): Promise<Map<Run, ActivationResponse>> {
    const out = new Map<Run, ActivationResponse>();
    if (work.length === 0) return out;
    const request = (w: Work, history?: HistoryEntry[]): ActivationRequest => {
      const req: ActivationRequest = {
        workflowId: w.run.id,
        name: w.run.record.name,
        version: w.run.record.version,
        input: w.run.input,
        activation: { time, inbound: w.items.map((i) => i.event) },
      };
      if (history !== undefined) req.history = history;
      return req;
    };
    const executor = this.#deps.executor;
    const first = await executor.activate(work.map((w) => {
      // A run that does not exist yet has no history: the executor needs no round trip.
      const req = request(w, w.run.created ? [] : w.run.history);
      w.run.history = undefined;
      return req;
    }));
    const missing: Work[] = [];
    first.forEach((res, i) => {
      const w = work[i] as Work;
      if (res.kind === "needHistory") missing.push(w);
      else out.set(w.run, res);
    });
    if (missing.length > 0) {
      const histories = await Promise.all(
        missing.map(async (w) => (await this.#deps.store.loadHistory(w.run.id)).map(toEntry)),
      );
      const second = await executor.activate(missing.map((w, i) => request(w, histories[i])));
      second.forEach((res, i) => out.set((missing[i] as Work).run, res));
    }
    return out;
  }

  /** Builds the transition of one run, commits it, then carries out its effects. */
  async #land(w: Work, response: ActivationResponse | undefined, time: number): Promise<void> {
    const run = w.run;
    if (
      response?.kind === "error" && response.error.code === ErrorCode.EngineClosed &&
      this.#deps.lifecycle.closed
    ) {
      // Cut off by shutdown: nothing of this activation is recorded; it runs again next time.
      const closed = deserializeError(response.error);
      for (const item of w.items) item.done?.(closed);
      if (run.created) this.runs.delete(run.id);
      run.busy = false;
      return;
    }
    if (response?.kind === "error" && response.error.code === ErrorCode.DefinitionNotFound) {
      run.blocked = new StorageError(
        `Workflow "${run.id}" cannot continue: ${response.error.message}`,
      );
      this.#deps.report(run.blocked);
      for (const item of w.items) item.done?.(run.blocked);
      w.items = [];
      response = undefined;
    }
    let output: ActivationOutput | undefined;
    if (response?.kind === "output") output = response.output;
    if (response?.kind === "error") {
      output = failedOutput(w.items.map((i) => i.event), response.error, time);
    }
    const ids = this.#deps.ids;
    const step = { infos: w.infos, output, time };
    let built = buildTransition(stateOf(run), { ...step, ids: ids.position });
    if (!ids.fits(built.ids)) {
      // The ids of this process's block are used up: number it again in the next block.
      const at = ids.position;
      try {
        await ids.renew({ event: built.ids.event - at.event, log: built.ids.log - at.log });
      } catch (e) {
        // The store refused the reservation (a full disk): nothing of the step happened.
        await this.#refused(run, w, ensureError(e));
        return;
      }
      built = buildTransition(stateOf(run), { ...step, ids: ids.position });
    }
    ids.take(built.ids);
    const t = built.transition;
    if (t === undefined) {
      for (const item of w.items) item.done?.();
      this.#release(run);
      return;
    }
    const answers = w.items.flatMap((i) => i.answer === undefined ? [] : [i.answer]);
    if (answers.length > 0) t.answers = answers.map((a) => ({ key: a.key, id: a.id }));
    for (const change of built.wakeups) {
      if (change.op === "arm") this.#deps.wakeup.arm(t, run.id, change.seq, change.dueAt);
      else this.#deps.wakeup.disarm(t, run.id, change.seq, change.dueAt);
    }
    const created = run.created;
    const first = created || run.pendingStart;
    // Pipelining: the run moves on in memory now; its next activation may start while this
    // transition commits (the committer keeps each run's transitions in order, and refuses the
    // later ones of a run whose transition was refused). Every effect outside the engine waits
    // for the commit: an activity starts only once everything its arguments may derive from
    // (earlier results, signals, ctx.now()) is durable, so a retry after a crash gets the same
    // arguments (idempotency keys stay stable).
    run.created = false;
    run.pendingStart = false;
    run.record = built.record;
    run.stepTask = built.stepTask;
    for (const [seq, task] of built.tasks) {
      if (isDone(task)) run.tasks.delete(seq);
      else run.tasks.set(seq, task);
    }
    if (built.terminal) run.ended = true;
    const landed = this.#deps.committer.submit(t);
    run.landing++;
    this.#release(run);
    try {
      await landed;
    } catch (e) {
      await this.#refused(run, w, ensureError(e));
      return;
    } finally {
      run.landing--;
    }
    if (run.broken) return;
    run.committed = built.record;
    for (const a of answers) a.answered = true;
    const listeners = this.#deps.listeners;
    if (answers.length > 0) await listeners.crash(CrashPoint.InboxCarriedOut, run.id);
    for (const item of w.items) item.done?.();
    if (listeners.size > 0) listeners.emit(changeOf(t));
    if (first) await listeners.crash(CrashPoint.StartCommitted, run.id);
    if (listeners.crashing && recorded(t, EventType.ActivityCompleted)) {
      await listeners.crash(CrashPoint.ActivityCommitted, run.id);
    }
    if (built.terminal) {
      this.finish(run, built.record);
      this.#deps.ended(run, built.record, t.result);
      return;
    }
    for (const effect of built.effects) this.effects.apply(run, effect);
    if (listeners.crashing && recorded(t, EventType.TimerScheduled)) {
      await listeners.crash(CrashPoint.TimerArmed, run.id);
    }
  }

  #release(run: Run): void {
    run.busy = false;
    this.schedule(run);
  }

  /**
   * A transition was refused by a passing storage error: nothing of it happened. Callers whose
   * request it carried are told to try again; the engine's own resolutions (activity results,
   * timers) and informational events wait to be delivered again; the run goes back to its last
   * landed transition (its live instance is dropped and rebuilt from history) and waits for the
   * store to take writes.
   */
  #rollback(run: Run, w: Work, error: Error): void {
    const storage = this.#deps.storage;
    storage.enter(error);
    const unavailable = storage.unavailable();
    for (const item of w.items) {
      if (item.done !== undefined) item.done(unavailable);
      else run.requeued.push(item);
    }
    run.requeuedInfos.push(...w.infos);
    if (run.rolledBack) return;
    run.rolledBack = true;
    this.#deps.executor.evict(run.id);
    this.#ready.delete(run);
    if (run.committed === undefined) {
      // The run never landed: it does not exist.
      this.runs.delete(run.id);
      for (const item of run.inbox.splice(0)) item.done?.(unavailable);
      return;
    }
    run.resetTo(run.committed);
    this.#parked.add(run);
  }

  /** A transition was refused by the store: the run fails (its code state is lost). */
  async #refused(run: Run, w: Work, error: Error): Promise<void> {
    if (error instanceof PartitionNotHeld) {
      // Let go meanwhile: the partition's new owner carries the run on from what landed.
      for (const item of w.items) item.done?.(error);
      return;
    }
    if (this.#deps.lifecycle.lost === undefined && isTransientStorageError(error)) {
      this.#rollback(run, w, error);
      return;
    }
    if (run.broken || this.#deps.lifecycle.lost !== undefined) {
      for (const item of w.items) item.done?.(error);
      return;
    }
    run.broken = true;
    this.#deps.executor.evict(run.id);
    this.effects.halt(run, error);
    run.activities.clear();
    const storageError = new StorageError(
      `Could not store a transition of workflow "${run.id}": ${error.message}`,
      { cause: error },
    );
    this.#deps.report(storageError);
    for (const item of w.items) item.done?.(storageError);
    if (run.committed === undefined) {
      this.runs.delete(run.id);
      this.#ready.delete(run);
      for (const item of run.inbox.splice(0)) item.done?.(storageError);
      return;
    }
    // Fail the run from its last landed state; the refused transitions never happened.
    run.resetTo(run.committed);
    run.broken = false;
    run.infos = [];
    for (const item of run.inbox.splice(0)) item.done?.(storageError);
    await this.#land(
      { run, items: [], infos: [] },
      { kind: "error", error: serializeError(storageError) },
      Date.now(),
    );
  }
}

/** The run's state as the pure transition builder reads it. */
function stateOf(run: Run): RunState {
  return {
    record: run.record,
    created: run.created,
    pendingStart: run.pendingStart,
    input: run.input,
    stepTask: run.stepTask,
    tasks: run.tasks,
    timers: run.timers,
    retriesArmed: (seq) => run.activities.get(seq)?.armed,
  };
}
