/**
 * The owner's side of the inbox: requests that other processes (the CLI, `loom web`,
 * `connectKv`, other owners) leave under `["inbox", partition, …]` are read, for each partition
 * this owner holds, on an adaptive interval (soon again after a read that found work, up to the
 * poll interval when idle), carried out, and answered under `["inbox_reply", id]`.
 *
 * @module
 */

import { serializeError } from "../../errors.ts";
import type { JsonValue } from "../../json.ts";
import type { InboxReply, InboxRequest, KvStore } from "../../../store/mod.ts";
import type { InboxTicket } from "../run.ts";

/** What the inbox asks of the engine. */
export interface InboxHandlers {
  /** Starts a run; resolves with its id and whether this request created it. */
  start(
    request: Extract<InboxRequest, { kind: "start" }>,
  ): Promise<{ workflowId: string; created: boolean }>;
  /**
   * Sends a signal. The transition that records it answers the request and sets
   * `ticket.answered` (so that a crash after it cannot send it twice).
   */
  signal(workflowId: string, name: string, data: JsonValue, ticket: InboxTicket): Promise<void>;
  /** Requests cancellation (answered as a signal is). */
  cancel(workflowId: string, reason: string, ticket: InboxTicket): Promise<void>;
  /** Resumes a hook (by its token's hash), as of the moment the request was made. */
  resumeHook(request: Extract<InboxRequest, { kind: "hook" }>): Promise<void>;
  /** Takes on the runs that other processes started in a partition by writing their records. */
  adoptPending(partition: number): Promise<number>;
}

/** Requests read per poll. */
const BATCH = 100;
/** Shortest time between polls, after one that found work (ms). */
const BUSY_MS = 20;

/** See the module doc. */
export class InboxServer {
  readonly #store: KvStore;
  readonly #handlers: InboxHandlers;
  readonly #partitions: () => number[];
  readonly #stopped: () => boolean;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #last: Promise<unknown> = Promise.resolve();
  #polls = 0;
  #closed = false;

  /**
   * Creates the server.
   *
   * @param store The store.
   * @param handlers What carries the requests out.
   * @param partitions The partitions to serve now (held, not being given up).
   * @param stopped Whether the engine stopped taking work.
   */
  constructor(
    store: KvStore,
    handlers: InboxHandlers,
    partitions: () => number[],
    stopped: () => boolean,
  ) {
    this.#store = store;
    this.#handlers = handlers;
    this.#partitions = partitions;
    this.#stopped = stopped;
  }

  /** Reads of inboxes and pending starts so far (one per partition per poll). */
  get reads(): number {
    return this.#polls;
  }

  /**
   * Reads the inboxes every `intervalMs` at most (one poll at a time), sooner after a poll
   * that found work.
   *
   * @param intervalMs The idle interval.
   * @param onError Receives what a read fails with.
   */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    const next = (ms: number) => {
      if (this.#stopped()) return;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.#stopped()) return;
        let found = 0;
        this.poll().then((n) => {
          found = n;
        }, onError).finally(() => {
          if (this.#timer === undefined && !this.#closed) next(found > 0 ? BUSY_MS : intervalMs);
        });
      }, ms);
    };
    this.#closed = false;
    next(intervalMs);
  }

  /** Stops reading. */
  stop(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves once the poll in progress (if any) has finished. */
  async settled(): Promise<void> {
    await this.#last;
  }

  /**
   * Takes on runs started elsewhere, then carries out the requests waiting now, in order, and
   * answers each (a signal may name a run started elsewhere a moment before), for each
   * partition served now. One poll at a time: a call during a poll (the interval's, or
   * `engine.tick()`) runs after it, so that no request is carried out twice.
   *
   * @returns How many requests and starts it found.
   */
  poll(): Promise<number> {
    const next = this.#last.then(() => this.#poll());
    this.#last = next.catch(() => {});
    return next;
  }

  async #poll(): Promise<number> {
    let found = 0;
    for (const partition of this.#partitions()) {
      if (this.#stopped()) break;
      this.#polls++;
      found += await this.#handlers.adoptPending(partition);
      found += await this.#serve(partition);
    }
    return found;
  }

  async #serve(partition: number): Promise<number> {
    const waiting = await this.#store.readInbox(partition, BATCH);
    for (const { key, request } of waiting) {
      if (this.#stopped()) break;
      const ticket: InboxTicket = { key, id: request.id, answered: false };
      let reply: InboxReply;
      try {
        if (request.kind === "start") {
          reply = { ok: true, ...await this.#handlers.start(request) };
        } else if (request.kind === "signal") {
          const { workflowId, name, data } = request;
          await this.#handlers.signal(workflowId, name, data as JsonValue, ticket);
          reply = { ok: true };
        } else if (request.kind === "hook") {
          await this.#handlers.resumeHook(request);
          reply = { ok: true };
        } else {
          await this.#handlers.cancel(request.workflowId, request.reason, ticket);
          reply = { ok: true };
        }
      } catch (e) {
        reply = { ok: false, error: serializeError(e) as never };
      }
      if (!ticket.answered) await this.#store.answerInbox(key, request.id, reply);
    }
    return waiting.length;
  }
}
