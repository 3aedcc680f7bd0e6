/**
 * An API backend whose inside can be swapped while the app that uses it keeps running: the
 * Deno Deploy entry builds its app once, over this, and swaps a reader's backend (a `KvClient`
 * over the database) for an owner's (the engine) when the isolate takes the lease, and back when
 * it loses it. Reads and the registry stay the same object for its whole life (both backends
 * read the same database); the client, the role, readiness and new live-feed subscriptions follow
 * the current backend. A feed subscription keeps the backend it was made on, so none is cut off
 * by a swap; the backends swapped out are closed with this one.
 *
 * @module
 */

import type { LoomReader, Registry, WorkflowClient } from "../../engine/mod.ts";
import type { ApiBackend, ChangeFeed, LiveCounts, Readiness } from "../backend.ts";

/** See the module doc. */
export class SwitchingBackend implements ApiBackend {
  readonly reader: LoomReader;
  readonly registry: Registry;
  readonly feed: ChangeFeed;
  readonly #seen = new Set<ApiBackend>();
  #current: ApiBackend;

  /**
   * Creates the backend.
   *
   * @param initial The backend it starts with; its reader and registry are kept for good.
   */
  constructor(initial: ApiBackend) {
    this.#current = initial;
    this.#seen.add(initial);
    this.reader = initial.reader;
    this.registry = initial.registry;
    this.feed = { subscribe: (listener) => this.#current.feed.subscribe(listener) };
  }

  /** The current backend's role. */
  get role(): "owner" | "reader" {
    return this.#current.role;
  }

  /** The current backend's client. */
  get client(): WorkflowClient {
    return this.#current.client;
  }

  /** The backend requests go to now. */
  get current(): ApiBackend {
    return this.#current;
  }

  /**
   * Sends what comes next to another backend.
   *
   * @param next The backend.
   */
  switchTo(next: ApiBackend): void {
    this.#seen.add(next);
    this.#current = next;
  }

  live(): Promise<LiveCounts> {
    return this.#current.live();
  }

  ready(): Promise<Readiness> {
    return this.#current.ready();
  }

  /** Closes every backend it has had (their feeds; not the engines or clients they wrap). */
  async close(): Promise<void> {
    for (const backend of this.#seen) await backend.close();
  }
}
