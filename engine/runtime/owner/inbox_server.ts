/**
 * The owner's side of the inbox: requests that processes which do not own the file (the CLI,
 * `loom web`, `connectKv`) leave under `["inbox", …]` are read on an interval, carried out, and
 * answered under `["inbox_reply", id]`.
 *
 * @module
 */

import { serializeError } from "../../errors.ts";
import type { JsonValue } from "../../json.ts";
import type { InboxReply, InboxRequest, KvStore } from "../../../store/mod.ts";

/** What the inbox asks of the engine. */
export interface InboxHandlers {
  /** Starts a run; resolves with its id and whether this request created it. */
  start(
    request: Extract<InboxRequest, { kind: "start" }>,
  ): Promise<{ workflowId: string; created: boolean }>;
  /** Sends a signal. */
  signal(workflowId: string, name: string, data: JsonValue): Promise<void>;
  /** Requests cancellation. */
  cancel(workflowId: string, reason: string): Promise<void>;
  /** Takes on the runs that other processes started by writing their records. */
  adoptPending(): Promise<void>;
}

/** Requests read per poll. */
const BATCH = 100;

/** See the module doc. */
export class InboxServer {
  readonly #store: KvStore;
  readonly #handlers: InboxHandlers;
  readonly #stopped: () => boolean;
  #timer: ReturnType<typeof setInterval> | undefined;
  #last: Promise<void> = Promise.resolve();

  /**
   * Creates the server.
   *
   * @param store The store.
   * @param handlers What carries the requests out.
   * @param stopped Whether the engine stopped taking work.
   */
  constructor(store: KvStore, handlers: InboxHandlers, stopped: () => boolean) {
    this.#store = store;
    this.#handlers = handlers;
    this.#stopped = stopped;
  }

  /**
   * Reads the inbox every `intervalMs` (one read at a time).
   *
   * @param intervalMs The interval.
   * @param onError Receives what a read fails with.
   */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    let reading = false;
    this.#timer = setInterval(() => {
      if (reading || this.#stopped()) return;
      reading = true;
      this.poll().catch(onError).finally(() => reading = false);
    }, intervalMs);
  }

  /** Stops reading. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Takes on runs started elsewhere, then carries out the requests waiting now, in order, and
   * answers each (a signal may name a run started elsewhere a moment before). One poll at a
   * time: a call during a poll (the interval's, or `engine.tick()`) runs after it, so that no
   * request is carried out twice.
   */
  poll(): Promise<void> {
    const next = this.#last.then(() => this.#poll());
    this.#last = next.catch(() => {});
    return next;
  }

  async #poll(): Promise<void> {
    await this.#handlers.adoptPending();
    for (const { key, request } of await this.#store.readInbox(BATCH)) {
      if (this.#stopped()) return;
      let reply: InboxReply;
      try {
        if (request.kind === "start") {
          reply = { ok: true, ...await this.#handlers.start(request) };
        } else if (request.kind === "signal") {
          await this.#handlers.signal(request.workflowId, request.name, request.data as JsonValue);
          reply = { ok: true };
        } else {
          await this.#handlers.cancel(request.workflowId, request.reason);
          reply = { ok: true };
        }
      } catch (e) {
        reply = { ok: false, error: serializeError(e) as never };
      }
      await this.#store.answerInbox(key, request.id, reply);
    }
  }
}
