/**
 * What a Deno Deploy isolate holds, behind one small interface ({@linkcode Ownership}), so that
 * the rest of the entry does not care how ownership is shared. The database's runs are spread
 * over partitions, each with its own owner lease: an isolate is a reader (reads from KV; starts
 * written as run records, signals and cancels left in the partitions' inboxes, through
 * `KvClient`) until its first tick, when it joins the isolates (and processes) that share the
 * database: it opens an engine (`workers: 0`) that takes its fair share of the partitions (all
 * of them when it is alone; the others hand some over), in place: the API's backend switches
 * and the app goes on. Partitions of an isolate that Deploy stopped are taken by the others on
 * their next tick, once their leases lapse; an isolate whose lease another took over (it was
 * paused) becomes a reader again and joins again on its next tick.
 *
 * @module
 */

import {
  type Engine,
  EngineClosedError,
  type KvClient,
  LeaseLostError,
  OwnerLeaseError,
  type Registry,
} from "../../engine/mod.ts";
import type { ApiBackend } from "../backend.ts";
import { engineBackend } from "../engine_backend.ts";
import { kvBackend } from "../kv_backend.ts";
import { SwitchingBackend } from "./switching_backend.ts";

/** What an isolate holds of the database, and how it makes progress on it. */
export interface Ownership extends AsyncDisposable {
  /** The API's backend for the isolate's whole life; what it does follows what is held. */
  readonly backend: ApiBackend;
  /**
   * The partitions this isolate holds now (`[]` while it only reads).
   *
   * @returns Their numbers.
   */
  partitions(): number[];
  /**
   * Takes what has lapsed (or is free), then makes progress once on what is held (due timers,
   * runs started elsewhere, the inbox). A call during a tick joins it.
   *
   * @returns Resolves when the tick is done; errors are reported, not thrown.
   */
  tick(): Promise<void>;
  /**
   * Waits until the work in flight here has landed (no activity running, no commit waiting),
   * so that a cron tick does not end while the work it set off is still running.
   *
   * @param timeoutMs Longest wait.
   * @returns `true` when it settled, `false` at the timeout.
   */
  settle(timeoutMs: number): Promise<boolean>;
  /** Stops: an owner closes its engine (which gives the lease up at once), a reader its feed. */
  close(): Promise<void>;
}

/** Options of {@linkcode Standby}. */
export interface StandbyOptions {
  /** A client on the database (reads, and writes for a reader); closed with the standby. */
  client: KvClient;
  /** Opens an engine on the database; throws `OwnerLeaseError` while another holds the lease. */
  openEngine: () => Promise<Engine>;
  /** Definitions known to this isolate. */
  registry: Registry;
  /** How often a reader's live feed reads KV, in ms. */
  pollIntervalMs: number;
  /** Receives what goes wrong in the background. */
  onError?: (error: Error) => void;
  /** Called when the isolate becomes the owner or a reader again. */
  onRole?: (role: "owner" | "reader") => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** See the module doc. */
export class Standby implements Ownership {
  readonly #options: StandbyOptions;
  readonly #reader: ApiBackend;
  readonly #backend: SwitchingBackend;
  #engine: Engine | undefined;
  #ticking: Promise<void> | undefined;
  #closed = false;

  /**
   * Creates a reader; the first {@linkcode Standby.tick} may make it the owner.
   *
   * @param options Client, engine factory, registry, timings, callbacks.
   */
  constructor(options: StandbyOptions) {
    this.#options = options;
    this.#reader = kvBackend(options.client, {
      registry: options.registry,
      pollIntervalMs: options.pollIntervalMs,
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
    this.#backend = new SwitchingBackend(this.#reader);
  }

  get backend(): ApiBackend {
    return this.#backend;
  }

  /** The engine, while this isolate owns the database. */
  get engine(): Engine | undefined {
    return this.#engine;
  }

  partitions(): number[] {
    return this.#engine?.health().partitions ?? [];
  }

  tick(): Promise<void> {
    this.#ticking ??= this.#tick().catch((e) => this.#report(e)).finally(() =>
      this.#ticking = undefined
    );
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    if (this.#closed) return;
    if (this.#engine === undefined) await this.#takeOver();
    const engine = this.#engine;
    if (engine === undefined) return;
    try {
      await engine.tick();
    } catch (e) {
      // Lost (the lease handler switches back to reading) or closed since: nothing to report.
      if (e instanceof LeaseLostError || e instanceof EngineClosedError) return;
      throw e;
    }
  }

  async #takeOver(): Promise<void> {
    let engine: Engine;
    try {
      engine = await this.#options.openEngine();
    } catch (e) {
      // Another isolate took the lease first: stay a reader.
      if (e instanceof OwnerLeaseError) return;
      throw e;
    }
    if (this.#closed) {
      await engine.close();
      return;
    }
    this.#engine = engine;
    this.#backend.switchTo(engineBackend(engine));
    this.#options.onRole?.("owner");
    engine.lost.then(() => this.#fallBack(engine));
  }

  async #fallBack(engine: Engine): Promise<void> {
    if (this.#engine !== engine) return;
    this.#engine = undefined;
    this.#backend.switchTo(this.#reader);
    this.#options.onRole?.("reader");
    await engine.close().catch((e) => this.#report(e));
  }

  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (true) {
      const engine = this.#engine;
      if (engine === undefined) return true;
      const s = engine.stats();
      quiet = s.activities === 0 && s.commitQueue === 0 ? quiet + 1 : 0;
      if (quiet >= 2) return true;
      if (Date.now() >= deadline) return false;
      await sleep(50);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#ticking;
    const engine = this.#engine;
    this.#engine = undefined;
    await engine?.close();
    await this.#backend.close();
    await this.#options.client.close();
  }

  /**
   * Same as {@linkcode Standby.close}.
   *
   * @returns Resolves once stopped.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #report(error: unknown): void {
    this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}
