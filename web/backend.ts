/**
 * What the HTTP API needs from the process it runs in. Two implementations: the owner (an
 * `Engine`: its client API, its reader, its registry, and its lifecycle hook for the live feed)
 * and a reader that does not own the file (a `KvClient` reading KV directly, mutations through
 * the owner's inbox, and a live feed that polls KV).
 *
 * @module
 */

import type { LoomReader, Registry, WorkflowClient } from "../engine/mod.ts";
import type { StoredEvent } from "../store/mod.ts";

/** What changed in one run: the events recorded, and its status after them. */
export interface FeedChange {
  /** The run. */
  workflowId: string;
  /** Workflow name. */
  name: string;
  /** Status after the change. */
  status: string;
  /** Time of the change (ms). */
  updatedAt: number;
  /** The events, with their global ids, in order. */
  events: StoredEvent[];
}

/** A live feed of changes. */
export interface ChangeFeed {
  /**
   * Calls `listener` with every change that lands after the returned promise resolves; every
   * event up to that moment is already readable from the reader.
   *
   * @param listener Receives changes, in order.
   * @returns A function that unsubscribes.
   */
  subscribe(listener: (change: FeedChange) => void): Promise<() => void>;
}

/** Counts of work in flight. */
export interface LiveCounts {
  /** Activity attempts running. */
  activitiesRunning: number;
  /** Timers waiting to fire. */
  timersScheduled: number;
}

/** Whether this process can do its job (readiness, `/health/ready`). */
export interface Readiness {
  /** It can: an owner holds its lease and the store takes writes; a reader can read. */
  ready: boolean;
  /** Why it cannot. */
  reason?: string;
  /** What an owner holds: its owner id and the partitions whose lease it has. */
  ownership?: { ownerId: string; partitions: number[] };
}

/** See the module doc. */
export interface ApiBackend {
  /** `owner` when this process runs the engine, `reader` otherwise. */
  readonly role: "owner" | "reader";
  /** Starts runs and acts on them. */
  readonly client: WorkflowClient;
  /** Reads runs, events, tasks and logs. */
  readonly reader: LoomReader;
  /** The workflow definitions known to this process. */
  readonly registry: Registry;
  /** Changes as they land. */
  readonly feed: ChangeFeed;
  /**
   * Counts what is in flight.
   *
   * @returns Activities running and timers scheduled.
   */
  live(): Promise<LiveCounts>;
  /**
   * Tells whether this process can do its job now.
   *
   * @returns Ready, or the reason it is not.
   */
  ready(): Promise<Readiness>;
  /** Stops what the backend started (a polling feed); not the engine or client it wraps. */
  close(): Promise<void>;
}
