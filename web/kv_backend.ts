/**
 * The API backend of a process that does not own the KV file (`loom web`): reads go to KV,
 * starts, signals and cancels go through the owner's inbox (`KvClient`), and the live feed polls
 * KV every `pollIntervalMs`.
 *
 * @module
 */

import { defaultRegistry, type KvClient, type Registry } from "../engine/mod.ts";
import type { ApiBackend } from "./backend.ts";
import { PollingFeed } from "./polling_feed.ts";

/** Options of {@linkcode kvBackend}. */
export interface KvBackendOptions {
  /** Definitions known to this process (filled by importing `--module` files). @default the process-wide registry */
  registry?: Registry;
  /** How often the live feed reads KV, in ms. @default 500 */
  pollIntervalMs?: number;
  /** Receives errors of the live feed. */
  onError?: (error: Error) => void;
}

/**
 * Makes the backend of a reader process.
 *
 * @param client A client on the owner's KV file.
 * @param options Registry, poll interval.
 * @returns The backend; closing it stops the feed, not the client.
 */
export function kvBackend(client: KvClient, options: KvBackendOptions = {}): ApiBackend {
  const reader = client.reader;
  const feed = new PollingFeed(reader, options.pollIntervalMs ?? 500, options.onError);
  return {
    role: "reader",
    client,
    reader,
    registry: options.registry ?? defaultRegistry,
    feed,
    async live() {
      const tasks = await reader.allTasks({ statuses: ["PENDING", "RUNNING"] });
      return {
        activitiesRunning: tasks.filter((t) => t.kind === "ACTIVITY" && t.status === "RUNNING")
          .length,
        timersScheduled: tasks.filter((t) => t.kind === "TIMER").length,
      };
    },
    async ready() {
      // A reader is ready when it can read the file.
      try {
        await reader.lastIds();
        return { ready: true };
      } catch (e) {
        return { ready: false, reason: `cannot read ${reader.where}: ${(e as Error).message}` };
      }
    },
    close: () => feed.close(),
  };
}
