/**
 * A live feed for a process that does not own the KV file: the owner's in-process notifications
 * do not reach it, so it reads new events from the global event index every `intervalMs`, while
 * anyone listens.
 *
 * @module
 */

import type { LoomReader } from "../engine/mod.ts";
import type { StoredEvent } from "../store/mod.ts";
import type { ChangeFeed, FeedChange } from "./backend.ts";

const BATCH = 1000;

const ENDS: Record<string, string> = {
  WORKFLOW_COMPLETED: "COMPLETED",
  WORKFLOW_FAILED: "FAILED",
  WORKFLOW_CANCELLED: "CANCELLED",
};

/**
 * A run's status after a group of its events: from the group's terminal event, else running.
 * (Not the record's status now: a poll that reads a finished run's earlier events must not
 * announce its end before the events that end it.)
 */
function statusAfter(group: StoredEvent[]): string {
  for (const e of group) {
    const end = ENDS[e.type];
    if (end !== undefined) return end;
  }
  return "RUNNING";
}

/** See the module doc. */
export class PollingFeed implements ChangeFeed {
  readonly #reader: LoomReader;
  readonly #intervalMs: number;
  readonly #onError: (error: Error) => void;
  readonly #listeners = new Set<(change: FeedChange) => void>();
  #cursor: number | undefined;
  #starting: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling: Promise<void> | undefined;
  #closed = false;

  /**
   * Makes the feed; it polls only while someone listens.
   *
   * @param reader What to read.
   * @param intervalMs Time between reads, in ms.
   * @param onError Receives read errors (the feed goes on).
   */
  constructor(reader: LoomReader, intervalMs: number, onError: (error: Error) => void = () => {}) {
    this.#reader = reader;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
  }

  /**
   * Starts delivering changes after the last event stored now.
   *
   * @param listener Receives changes, in order.
   * @returns A function that unsubscribes.
   */
  async subscribe(listener: (change: FeedChange) => void): Promise<() => void> {
    if (this.#cursor === undefined) {
      this.#starting ??= this.#reader.lastIds().then((ids) => {
        this.#cursor = ids.event;
      }).finally(() => this.#starting = undefined);
      await this.#starting;
    }
    this.#listeners.add(listener);
    this.#arm();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#idle();
    };
  }

  /** Stops polling for good. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#idle();
    await this.#polling;
  }

  #idle(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    // Forget the position: the next subscriber starts from what is stored then.
    if (this.#polling === undefined) this.#cursor = undefined;
  }

  #arm(): void {
    if (this.#closed || this.#timer !== undefined || this.#polling !== undefined) return;
    if (this.#listeners.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#polling = this.#poll().catch((e) => this.#onError(e as Error)).finally(() => {
        this.#polling = undefined;
        if (this.#listeners.size === 0) this.#cursor = undefined;
        this.#arm();
      });
    }, this.#intervalMs);
  }

  async #poll(): Promise<void> {
    while (this.#cursor !== undefined && this.#listeners.size > 0) {
      const { items: events } = await this.#reader.queryEvents({ afterId: this.#cursor }, {
        limit: BATCH,
      });
      if (events.length === 0) return;
      await this.#deliver(events);
      this.#cursor = (events.at(-1) as StoredEvent).id;
      if (events.length < BATCH) return;
    }
  }

  async #deliver(events: StoredEvent[]): Promise<void> {
    const groups: StoredEvent[][] = [];
    for (const e of events) {
      const last = groups.at(-1);
      if (last !== undefined && last[0]?.workflowId === e.workflowId) last.push(e);
      else groups.push([e]);
    }
    const ids = [...new Set(events.map((e) => e.workflowId))];
    const records = await this.#reader.runs(ids);
    const byId = new Map(ids.map((id, i) => [id, records[i]]));
    for (const group of groups) {
      const first = group[0] as StoredEvent;
      const record = byId.get(first.workflowId);
      const change: FeedChange = {
        workflowId: first.workflowId,
        name: record?.name ?? "",
        status: statusAfter(group),
        updatedAt: (group.at(-1) as StoredEvent).createdAt,
        events: group,
      };
      for (const listener of [...this.#listeners]) {
        try {
          listener(change);
        } catch (e) {
          this.#onError(e as Error);
        }
      }
    }
  }
}
