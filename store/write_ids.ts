/**
 * Write ids of chunked values: `"<epoch>.<n>"`, where `epoch` is the owner lease epoch the store
 * commits under and `n` counts up in this process. An epoch belongs to one lease holder (taking
 * the lease increments it in the same atomic operation that checks the previous one), so no
 * two processes, nor one process across restarts, hand out the same id. A store that commits
 * without a lease uses epoch 0 and starts `n` at a random point.
 *
 * @module
 */

/** Hands out write ids. */
export class WriteIds {
  #epoch = 0;
  #n: number;

  /** Starts without a lease: epoch 0, counting from a random point. */
  constructor() {
    this.#n = Math.floor(Math.random() * 2 ** 50);
  }

  /** The epoch of the ids handed out now. */
  get epoch(): number {
    return this.#epoch;
  }

  /**
   * Moves to the epoch of a lease just taken.
   *
   * @param epoch The lease epoch (1 or more).
   */
  setEpoch(epoch: number): void {
    this.#epoch = epoch;
    this.#n = 0;
  }

  /**
   * The next id.
   *
   * @returns A write id never handed out before.
   */
  next(): string {
    return `${this.#epoch}.${++this.#n}`;
  }
}

/**
 * The lease epoch a write id was handed out under.
 *
 * @param writeId A write id.
 * @returns Its epoch, or `undefined` when it is not a write id (a legacy chunk name).
 */
export function epochOf(writeId: string): number | undefined {
  const m = /^(\d+)\.\d+$/.exec(writeId);
  return m === null ? undefined : Number(m[1]);
}
