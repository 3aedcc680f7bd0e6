/**
 * Global event and log ids when several processes write one file: each process reserves blocks
 * of ids from a counter (`["meta", "ids"]`, advanced by compare-and-set) and hands them out in
 * order, so no two processes use the same id and each process's ids increase. One process alone
 * uses one block after the other: its ids increase in commit order, as before partitions. With
 * several processes, ids are unique but the blocks interleave: a later id may have landed before
 * an earlier one of another process (the event feed allows for that, see `PollingFeed`).
 *
 * A file without the counter (new, or from before partitions) starts it after the highest ids
 * stored. Ids left unused in a block (at shutdown) are skipped: ids are unique, not dense.
 *
 * @module
 */

import { keys } from "./keys.ts";
import { commitPatiently } from "./patient_commit.ts";
import { lastIds } from "./queries/counts.ts";

/** The counter: the highest event and log ids reserved by any process. */
export interface IdCounter {
  /** Highest event id reserved. */
  event: number;
  /** Highest log id reserved. */
  log: number;
}

/** Last ids handed out (the next ones are one higher). */
export interface IdPosition {
  /** Last event id handed out. */
  event: number;
  /** Last log id handed out. */
  log: number;
}

/** Block sizes. */
export interface IdBlockSizes {
  /** Event ids per block. @default 4096 */
  event?: number;
  /** Log ids per block. @default 1024 */
  log?: number;
}

interface Range {
  /** Last id handed out (the block starts one above it). */
  last: number;
  /** Highest id of the block. */
  end: number;
}

function isCounter(value: unknown): value is IdCounter {
  const v = value as IdCounter | null;
  return v !== null && typeof v === "object" && Number.isSafeInteger(v.event) &&
    Number.isSafeInteger(v.log);
}

/**
 * Reserves `event` event ids and `log` log ids from the file's counter (starting the counter
 * after the highest stored ids on a file that has none).
 *
 * @param kv The KV handle.
 * @param event Event ids to reserve (0 for none).
 * @param log Log ids to reserve (0 for none).
 * @returns The counter before the reservation: the block is `(before, before + n]`.
 */
export async function reserveIds(kv: Deno.Kv, event: number, log: number): Promise<IdCounter> {
  for (let attempt = 0;; attempt++) {
    const entry = await kv.get<IdCounter>(keys.idCounter());
    let before: IdCounter;
    if (isCounter(entry.value)) before = entry.value;
    else before = await lastIds(kv);
    const res = await commitPatiently(
      kv.atomic().check(entry).set(keys.idCounter(), {
        event: before.event + event,
        log: before.log + log,
      }),
    );
    if (res.ok) return before;
    // Another process reserved meanwhile: read again, after a short, spread-out pause.
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
  }
}

/**
 * Hands out this process's ids from reserved blocks. Synchronous where the hot path needs it:
 * `position` and `fits` are plain reads; the next block is reserved ahead, in the background,
 * once half of the current one is used, so `advance` rarely waits.
 */
export class IdBlocks {
  readonly #kv: Deno.Kv;
  readonly #size: { event: number; log: number };
  #event: Range = { last: 0, end: 0 };
  #log: Range = { last: 0, end: 0 };
  #nextEvent: Promise<Range | undefined> | undefined;
  #nextLog: Promise<Range | undefined> | undefined;
  #renewing: Promise<void> = Promise.resolve();

  /**
   * Creates the allocator; call `open` before use.
   *
   * @param kv The KV handle.
   * @param sizes Block sizes.
   */
  constructor(kv: Deno.Kv, sizes: IdBlockSizes = {}) {
    this.#kv = kv;
    this.#size = { event: sizes.event ?? 4096, log: sizes.log ?? 1024 };
  }

  /** Reserves the first blocks. */
  async open(): Promise<void> {
    const before = await reserveIds(this.#kv, this.#size.event, this.#size.log);
    this.#event = { last: before.event, end: before.event + this.#size.event };
    this.#log = { last: before.log, end: before.log + this.#size.log };
  }

  /** The last ids handed out: a transition built now numbers its events and logs after them. */
  get position(): IdPosition {
    return { event: this.#event.last, log: this.#log.last };
  }

  /**
   * Whether ids handed out up to `after` are within the current blocks.
   *
   * @param after The position after a transition was numbered.
   * @returns `true` when it may be kept.
   */
  fits(after: IdPosition): boolean {
    return after.event <= this.#event.end && after.log <= this.#log.end;
  }

  /**
   * Takes the ids up to `after` (it must fit), and reserves the next blocks ahead once half of
   * the current ones is used.
   *
   * @param after The position after a transition was numbered.
   */
  take(after: IdPosition): void {
    this.#event.last = after.event;
    this.#log.last = after.log;
    if (this.#event.end - this.#event.last < this.#size.event / 2) {
      this.#nextEvent ??= this.#reserve("event");
    }
    if (this.#log.end - this.#log.last < this.#size.log / 2) this.#nextLog ??= this.#reserve("log");
  }

  /**
   * Moves to fresh blocks, because a transition did not fit: numbered again, it starts at the
   * new position. Blocks at least `need` long.
   *
   * @param need Event and log ids the transition needs.
   */
  async renew(need: IdPosition): Promise<void> {
    // One renewal at a time: a caller that waited finds the blocks renewed already.
    const before = this.#renewing;
    let done = () => {};
    this.#renewing = new Promise<void>((resolve) => done = resolve);
    try {
      await before;
      if (this.#event.end - this.#event.last < need.event) {
        this.#event = await this.#next("event", need.event);
      }
      if (this.#log.end - this.#log.last < need.log) {
        this.#log = await this.#next("log", need.log);
      }
    } finally {
      done();
    }
  }

  async #next(kind: "event" | "log", need: number): Promise<Range> {
    const ahead = kind === "event" ? this.#nextEvent : this.#nextLog;
    let range = ahead === undefined ? undefined : await ahead;
    if (kind === "event") this.#nextEvent = undefined;
    else this.#nextLog = undefined;
    if (range === undefined || range.end - range.last < need) {
      const size = Math.max(this.#size[kind], need);
      const before = await reserveIds(
        this.#kv,
        kind === "event" ? size : 0,
        kind === "log" ? size : 0,
      );
      range = { last: before[kind], end: before[kind] + size };
    }
    return range;
  }

  /** Reserves a block ahead; one that fails is reserved again when it is needed. */
  #reserve(kind: "event" | "log"): Promise<Range | undefined> {
    const size = this.#size[kind];
    return reserveIds(this.#kv, kind === "event" ? size : 0, kind === "log" ? size : 0).then(
      (before) => ({ last: before[kind], end: before[kind] + size }),
      () => undefined,
    );
  }
}
