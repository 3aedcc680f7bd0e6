/**
 * Whether the store takes writes. A transition refused by a passing storage error (a full disk,
 * SQLite's lock held elsewhere, an I/O error) puts the engine in a degraded state: its run is
 * rolled back to its last landed transition, new requests are refused with
 * `StorageUnavailableError` (HTTP 503 with `Retry-After`), and a small fenced write probes the
 * store with a growing delay until it succeeds; then the runs carry on.
 *
 * @module
 */

import { ensureError, StorageUnavailableError } from "../errors.ts";
import { FenceLost } from "../../store/mod.ts";

/** Shortest and longest delay between probes, in ms. */
const FIRST_PROBE_MS = 100;
const MAX_PROBE_MS = 2000;

/** What the health check needs. */
export interface StorageHealthDeps {
  /** A small fenced write; throws while the store fails. */
  probe: () => Promise<void>;
  /** Called once writes succeed again. */
  recovered: () => void;
  /** Called when a probe finds that another process took the lease. */
  fenceLost: (error: Error) => void;
  /** Whether to stop probing (the engine stopped). */
  stopped: () => boolean;
}

/** See the module doc. */
export class StorageHealth {
  readonly #deps: StorageHealthDeps;
  #error: Error | undefined;
  #since = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #delay = FIRST_PROBE_MS;

  /**
   * Creates the health check.
   *
   * @param deps Probe and callbacks.
   */
  constructor(deps: StorageHealthDeps) {
    this.#deps = deps;
  }

  /** The error that put the store in the degraded state, while it lasts. */
  get degraded(): Error | undefined {
    return this.#error;
  }

  /** Since when the store fails (ms), while it does. */
  get since(): number | undefined {
    return this.#error === undefined ? undefined : this.#since;
  }

  /**
   * What a caller gets while the store fails.
   *
   * @returns A `StorageUnavailableError` naming the cause, with a retry delay.
   */
  unavailable(): StorageUnavailableError {
    const cause = this.#error;
    return new StorageUnavailableError(
      `The store does not take writes for now${
        cause === undefined ? "" : `: ${cause.message}`
      }; nothing of this request was applied, try again`,
      Math.max(1000, this.#delay),
      cause === undefined ? undefined : { cause },
    );
  }

  /**
   * Throws {@linkcode StorageUnavailableError} while the store fails.
   *
   * @throws {StorageUnavailableError} In the degraded state.
   */
  assertWritable(): void {
    if (this.#error !== undefined) throw this.unavailable();
  }

  /**
   * A write failed for a passing reason: enter the degraded state (once) and probe.
   *
   * @param error The storage error.
   */
  enter(error: Error): void {
    if (this.#error !== undefined) return;
    this.#error = error;
    this.#since = Date.now();
    this.#delay = FIRST_PROBE_MS;
    this.#schedule();
  }

  /** Stops probing. */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#deps.stopped()) return;
    this.#timer = setTimeout(() => this.#probe(), this.#delay);
  }

  async #probe(): Promise<void> {
    this.#timer = undefined;
    try {
      await this.#deps.probe();
    } catch (e) {
      if (e instanceof FenceLost) {
        this.#deps.fenceLost(e);
        return;
      }
      this.#error = ensureError(e);
      this.#delay = Math.min(MAX_PROBE_MS, this.#delay * 2);
      this.#schedule();
      return;
    }
    this.#error = undefined;
    this.#deps.recovered();
  }
}
