/**
 * SIGKILL at each named crash point (`CrashPoint`), with activity results of 0.9–1.5 MB (their
 * history entries are written in chunks before the entry itself, so `chunks-written` is
 * reached) and inputs over 64 KB; the owner is restarted and every run must complete, once,
 * readable, without running a committed activity again.
 *
 * @module
 */

import { CrashPoint } from "../../../engine/mod.ts";
import {
  account,
  type ChaosCounts,
  type ChaosSize,
  Owner,
  runIds,
  type Scenario,
  snapshot,
} from "../_harness.ts";

/** Chunk writes whose transition had not landed (pending-blob keys) in a killed owner's file. */
async function pendingWrites(kvPath: string): Promise<number> {
  const kv = await Deno.openKv(kvPath);
  try {
    return (await Array.fromAsync(kv.list({ prefix: ["blob_pending"] }))).length;
  } finally {
    kv.close();
  }
}

/** See the module doc. */
export const crashPoints: Scenario = {
  name: "crash-points",
  description: "SIGKILL at each named crash point with payloads over the chunk size, restart",
  async run(dir: string, size: ChaosSize): Promise<ChaosCounts> {
    const total: ChaosCounts = {
      runs: 0,
      kills: 0,
      lost: 0,
      completedTwice: 0,
      committedRerun: 0,
      unreadable: 0,
    };
    for (const point of Object.values(CrashPoint)) {
      // Reached only by a request from another process: tests/e2e/inbox_crash_test.ts kills there.
      if (point === CrashPoint.InboxCarriedOut) continue;
      const kvPath = `${dir}/${point}.kv`;
      const trace = `${dir}/${point}.trace`;
      const runs = size === "ci" ? 3 : 10;
      const config = {
        kvPath,
        prefix: `${point}-`,
        runs,
        workers: 0,
        input: {
          trace,
          activities: size === "ci" ? 2 : 3,
          firstBytes: [900_000, 1_500_000] as [number, number],
          againBytes: 300_000,
          pad: "i".repeat(70_000),
        },
      };
      const ids = runIds(config.prefix, runs);
      const first = Owner.spawn({ ...config, crashPoint: point });
      try {
        await first.waitFor("CRASHPOINT", 60_000);
      } finally {
        await first.kill();
      }
      const atKill = await snapshot(kvPath, trace, ids);
      if (point === CrashPoint.ChunksWritten && await pendingWrites(kvPath) === 0) {
        throw new Error("Killed at chunks-written, but no chunk write was left pending");
      }
      const second = Owner.spawn(config);
      await second.waitFor("DONE", 120_000).catch(async (e) => {
        await second.kill();
        throw e;
      });
      await second.exit();
      const counts = await account(kvPath, trace, ids, [atKill]);
      for (const k of Object.keys(total) as (keyof ChaosCounts)[]) {
        if (k !== "figures") total[k] += counts[k];
      }
    }
    return total;
  },
};
