/**
 * What a landed transition sets going: activity attempts (at most `concurrency` at once, over
 * all Workers), in-process timers of durable timers and retries, what happens when one of
 * them falls due, and the minting of requested hooks' tokens. Nothing here runs before the
 * transition that asked for it has landed.
 *
 * @module
 */

import type { PendingWork } from "../replay/history.ts";
import { EventType } from "../replay/events.ts";
import type { Registry } from "../definition/registry.ts";
import { WorkflowCancelledError } from "../errors.ts";
import { Semaphore } from "./_semaphore.ts";
import type { Executor } from "./executor.ts";
import type { LeaseGate } from "./owner/lease_keeper.ts";
import { CrashPoint, type Listeners } from "./listeners.ts";
import { mintHook, publicUrlOf } from "./hook_tokens.ts";
import { attemptOutcome } from "./retry_policy.ts";
import type { Item, Run } from "./run.ts";
import { Timers } from "./timers.ts";
import type { Effect } from "./transition.ts";

/** What effects need from the run loop. */
export interface EffectsDeps {
  /** Definitions of the activities. */
  registry: Registry;
  /** Runs the attempts. */
  executor: Executor;
  /** Activity attempts running at once. */
  concurrency: number;
  /** Crash points. */
  listeners: Listeners;
  /** The runs loaded, by id. */
  runs: ReadonlyMap<string, Run>;
  /** Delivers a resolution to a run. */
  deliver(run: Run, item: Item): void;
  /** Asks for a run's next activation (informational events are waiting). */
  schedule(run: Run): void;
  /** Keeps track of background work, for shutdown. */
  track(work: Promise<void>): void;
  /** Whether the engine stopped taking work. */
  stopped(): boolean;
  /** Whether the owner lease surely holds (nothing is dispatched or fired while it may not). */
  lease: LeaseGate;
  /** The server's public URL, which hooks' URLs start with (a function: asked each time). */
  publicUrl?: string | (() => string | undefined) | undefined;
}

/** See the module doc. */
export class Effects {
  readonly #deps: EffectsDeps;
  readonly #slots: Semaphore;
  /** In-process timers of durable timers and retries. */
  readonly timers: Timers;
  /** Told of every landed transition (run streams' readers in this process wake on them). */
  readonly listeners: Listeners;

  /**
   * Creates the effects.
   *
   * @param deps What they need from the run loop.
   */
  constructor(deps: EffectsDeps) {
    this.#deps = deps;
    this.#slots = new Semaphore(deps.concurrency);
    this.listeners = deps.listeners;
    this.timers = new Timers((id, seq) => this.due(id, seq), deps.stopped);
  }

  /**
   * Carries out one effect of a landed transition.
   *
   * @param run The run.
   * @param effect The effect.
   */
  apply(run: Run, effect: Effect): void {
    // A run let go meanwhile (its partition handed over) is carried on by its new owner.
    if (this.#deps.runs.get(run.id) !== run) return;
    switch (effect.kind) {
      case "dispatch":
        run.activities.set(effect.seq, {
          seq: effect.seq,
          name: effect.name,
          args: effect.args,
          attempt: 1,
        });
        this.dispatch(run, effect.seq);
        break;
      case "abort": {
        const state = run.activities.get(effect.seq);
        run.activities.delete(effect.seq);
        if (effect.cancel && state?.controller !== undefined) {
          state.controller.abort(new WorkflowCancelledError("activity no longer needed"));
        }
        this.timers.clear(run, effect.seq);
        break;
      }
      case "timer":
        run.timers.set(effect.seq, effect.at);
        this.timers.arm(run, effect.seq, effect.at);
        break;
      case "clear":
        run.timers.delete(effect.seq);
        this.timers.clear(run, effect.seq);
        break;
      case "hook":
        this.#mint(run, effect.seq, effect.timeoutMs);
        break;
      case "retry": {
        const state = run.activities.get(effect.seq);
        if (state !== undefined) {
          delete state.controller;
          state.retryAt = effect.at;
          (state.armed ??= []).push(effect.at);
        }
        this.timers.arm(run, effect.seq, effect.at);
        break;
      }
    }
  }

  /**
   * Resumes a recovered run's unfinished activities and timers.
   *
   * @param run The run, loaded from the store.
   * @param work What its history leaves open.
   * @param now The time of the recovery (ms).
   */
  resume(run: Run, work: PendingWork, now: number): void {
    for (const a of work.activities.values()) {
      const state = { seq: a.seq, name: a.name, args: a.args, attempt: a.attempt };
      run.activities.set(a.seq, state);
      if (a.retryAt !== undefined && a.retryAt > now) {
        Object.assign(state, { retryAt: a.retryAt, armed: [a.retryAt] });
        this.timers.arm(run, a.seq, a.retryAt);
      } else {
        this.dispatch(run, a.seq);
      }
    }
    for (const timer of work.timers.values()) {
      run.timers.set(timer.seq, timer.fireAt);
      this.timers.arm(run, timer.seq, timer.fireAt);
    }
    // A hook asked for before a stop: no token of it was ever recorded, so a new one is minted.
    for (const hook of work.hooks.values()) this.#mint(run, hook.seq, hook.timeoutMs);
  }

  /** Mints a requested hook's token (in this isolate, never in the code's) and delivers it. */
  #mint(run: Run, seq: number, timeoutMs: number | undefined): void {
    const go = async () => {
      const event = await mintHook(seq, timeoutMs, publicUrlOf(this.#deps.publicUrl), Date.now());
      if (this.#deps.stopped() || this.#deps.runs.get(run.id) !== run) return;
      this.#deps.deliver(run, { event });
    };
    this.#deps.track(go());
  }

  /**
   * Stops what a run has going: its timers, and its running attempts (aborted with `reason`).
   *
   * @param run The run.
   * @param reason Why.
   */
  halt(run: Run, reason: Error): void {
    this.timers.clearAll(run);
    for (const a of run.activities.values()) a.controller?.abort(reason);
  }

  /**
   * A timer or a retry of a run fell due (from an in-process timer or the wake-up service).
   *
   * @param workflowId The run.
   * @param seq The timer's or activity call's seq.
   */
  due(workflowId: string, seq: number): void {
    if (this.#deps.stopped()) return;
    const run = this.#deps.runs.get(workflowId);
    if (run === undefined) return;
    const lease = this.#deps.lease;
    const partition = run.record.partition;
    if (!lease.valid(partition)) {
      // The lease may have lapsed (a pause, a slow store): fire once it is renewed, or never.
      lease.whenHeld(partition).then((held) => held && this.due(workflowId, seq), () => {});
      return;
    }
    const at = run.timers.get(seq);
    if (at !== undefined) {
      if (at > Date.now() + 2) {
        if (!run.timeouts.has(seq)) this.timers.arm(run, seq, at);
        return;
      }
      run.timers.delete(seq);
      this.timers.clear(run, seq);
      this.#deps.deliver(run, {
        event: {
          type: EventType.TimerFired,
          payload: { seq, timer_id: `${workflowId}:${seq}` },
        },
      });
      return;
    }
    const activity = run.activities.get(seq);
    if (activity?.retryAt !== undefined && activity.controller === undefined) {
      if (activity.retryAt > Date.now() + 2) {
        if (!run.timeouts.has(seq)) this.timers.arm(run, seq, activity.retryAt);
        return;
      }
      this.timers.clear(run, seq);
      activity.attempt++;
      this.dispatch(run, seq);
    }
  }

  /**
   * Runs the current attempt of an activity call and delivers its outcome.
   *
   * @param run The run.
   * @param seq The call's seq.
   */
  dispatch(run: Run, seq: number): void {
    const state = run.activities.get(seq);
    if (state === undefined || this.#deps.stopped()) return;
    const controller = new AbortController();
    state.controller = controller;
    delete state.retryAt;
    const def = this.#deps.registry.getActivity(state.name);
    const attempt = state.attempt;
    const go = async () => {
      await this.#slots.acquire();
      try {
        if (controller.signal.aborted) return;
        await this.#deps.listeners.crash(CrashPoint.ActivityStarted, run.id);
        // Fencing in time: an attempt waits while the lease may have lapsed, and is dropped,
        // never started, once it is lost (another owner runs the call then). The last check
        // runs in the same tick as the attempt's start, so that a process paused in between
        // is as unlikely as can be.
        const lease = this.#deps.lease;
        const partition = run.record.partition;
        if (!lease.valid(partition) && !await lease.whenHeld(partition)) return;
        if (controller.signal.aborted || !lease.valid(partition)) return;
        const result = await this.#deps.executor.runActivity({
          workflowId: run.id,
          seq,
          name: state.name,
          args: state.args,
          attempt,
          timeoutMs: (def?.timeoutSeconds ?? 60) * 1000,
        }, controller.signal);
        if (controller.signal.aborted || run.activities.get(seq) !== state) return;
        // The controller stays until the outcome lands, so that a late wake-up of the retry that
        // started this attempt cannot start another one meanwhile.
        const outcome = attemptOutcome({ seq, name: state.name, attempt }, def, result, Date.now());
        if (outcome.kind === "retry") {
          run.infos.push(outcome.event);
          this.#deps.schedule(run);
        } else {
          this.#deps.deliver(run, { event: outcome.event });
        }
      } finally {
        this.#slots.release();
      }
    };
    this.#deps.track(go());
  }
}
