/**
 * Hooks as workflow code sees them. `ctx.createHook()` records `HOOK_REQUESTED`; the engine
 * mints the token outside the code and delivers `HOOK_CREATED`, which resolves the call with a
 * {@linkcode HookHandle}. From then on the hook is open: a call (`HOOK_RECEIVED`) or its timeout
 * settles it, whether `wait()` was called yet or not, and `wait()` returns that outcome.
 *
 * @module
 */

import { cloneJson, type JsonValue } from "../json.ts";
import type { Hook } from "./context.ts";

/** How a hook ended: called with a body, or failed (timed out, cancelled). */
export type HookOutcome = { ok: true; value: JsonValue } | { ok: false; error: Error };

interface Slot {
  outcome?: HookOutcome;
  waiters: { resolve: (value: JsonValue) => void; reject: (error: Error) => void }[];
}

/** The outcomes of a run's hooks, by seq, and who waits for them. */
export class HookSlots {
  readonly #slots = new Map<number, Slot>();

  /**
   * Opens the slot of a created hook.
   *
   * @param seq The hook's seq.
   */
  open(seq: number): void {
    if (!this.#slots.has(seq)) this.#slots.set(seq, { waiters: [] });
  }

  /**
   * Settles a hook: its waiters are told, and later waits get the same outcome. An outcome with
   * no waiter rejects nothing (no unhandled rejection for a hook that is never awaited).
   *
   * @param seq The hook's seq.
   * @param outcome Its outcome.
   */
  settle(seq: number, outcome: HookOutcome): void {
    const slot = this.#slots.get(seq);
    if (slot === undefined || slot.outcome !== undefined) return;
    slot.outcome = outcome;
    for (const w of slot.waiters.splice(0)) {
      if (outcome.ok) w.resolve(cloneJson(outcome.value));
      else w.reject(outcome.error);
    }
  }

  /**
   * Waits for a hook's outcome.
   *
   * @param seq The hook's seq.
   * @returns The body it was called with (a copy).
   */
  wait(seq: number): Promise<JsonValue> {
    const slot = this.#slots.get(seq);
    if (slot === undefined) return new Promise<JsonValue>(() => {});
    const outcome = slot.outcome;
    if (outcome !== undefined) {
      return outcome.ok ? Promise.resolve(cloneJson(outcome.value)) : Promise.reject(outcome.error);
    }
    return new Promise<JsonValue>((resolve, reject) => slot.waiters.push({ resolve, reject }));
  }
}

/** What a hook handle waits through: the run's machine. */
export interface HookSource {
  /**
   * Waits for a hook's outcome.
   *
   * @param seq The hook's seq.
   * @returns Its body.
   */
  hookWait(seq: number): Promise<JsonValue>;
}

/** The hook `ctx.createHook()` resolves with. */
export class HookHandle<T = JsonValue> implements Hook<T> {
  readonly token: string;
  readonly url: string;
  readonly #source: HookSource;
  readonly #seq: number;

  /**
   * Makes the handle of a created hook.
   *
   * @param source The run's machine.
   * @param seq The hook's seq.
   * @param created Its token and URL.
   */
  constructor(source: HookSource, seq: number, created: { token: string; url: string }) {
    this.#source = source;
    this.#seq = seq;
    this.token = created.token;
    this.url = created.url;
  }

  wait(): Promise<T> {
    return this.#source.hookWait(this.#seq) as Promise<T>;
  }
}
