/**
 * A counting semaphore: at most `limit` holders at once; the others wait in order.
 *
 * @module
 */

/** See the module doc. */
export class Semaphore {
  readonly #limit: number;
  #held = 0;
  readonly #waiting: (() => void)[] = [];

  /**
   * Creates the semaphore.
   *
   * @param limit Holders at once.
   */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Holders now. */
  get held(): number {
    return this.#held;
  }

  /** Callers waiting for a place. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Waits for a place.
   *
   * @returns Resolves once the caller holds one; give it back with `release()`.
   */
  acquire(): Promise<void> {
    if (this.#held < this.#limit) {
      this.#held++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Gives a place back: to the first waiting caller, if any. */
  release(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next();
    else this.#held--;
  }
}
