/**
 * The API backend of the owner process: the engine itself. Its live feed is the engine's
 * lifecycle hook (`engine.subscribe`), so nothing polls KV: one subscription while any stream
 * is open, whatever the number of streams.
 *
 * @module
 */

import type { Engine } from "../engine/mod.ts";
import type { ApiBackend, ChangeFeed, FeedChange } from "./backend.ts";

/**
 * Makes the backend of the owner process.
 *
 * @param engine The running engine.
 * @returns The backend; closing it leaves the engine running.
 */
export function engineBackend(engine: Engine): ApiBackend {
  // One subscription to the engine while anyone listens, fanned out to every open stream.
  const listeners = new Set<(change: FeedChange) => void>();
  let off: (() => void) | undefined;
  const feed: ChangeFeed = {
    subscribe(listener) {
      listeners.add(listener);
      off ??= engine.subscribe((change) => {
        const last = change.events.at(-1);
        const event: FeedChange = {
          workflowId: change.workflowId,
          name: change.name,
          status: change.status,
          updatedAt: last?.createdAt ?? Date.now(),
          events: change.events,
        };
        for (const l of [...listeners]) {
          try {
            l(event);
          } catch {
            // One stream's failure is its own: the others still get the change.
          }
        }
      });
      return Promise.resolve(() => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          off?.();
          off = undefined;
        }
      });
    },
  };
  return {
    role: "owner",
    client: engine,
    reader: engine.reader,
    registry: engine.registry,
    feed,
    live() {
      const s = engine.stats();
      return Promise.resolve({ activitiesRunning: s.activities, timersScheduled: s.timers });
    },
    ready() {
      const h = engine.health();
      return Promise.resolve({
        ready: h.ready,
        ...(h.reason === undefined ? {} : { reason: h.reason }),
        ownership: { ownerId: h.ownerId, partitions: h.partitions },
      });
    },
    close: () => Promise.resolve(),
  };
}
