/**
 * A SIGKILL loop under load: runs of three activities with results of 0.3–1.5 MB, the owner
 * killed every 300–800 ms and restarted, several times; then the last owner finishes every run
 * and each run's history is read back and checked.
 *
 * @module
 */

import {
  account,
  type ChaosCounts,
  type ChaosSize,
  type KillSnapshot,
  Owner,
  runIds,
  type Scenario,
  snapshot,
} from "../_harness.ts";

/** See the module doc. */
export const killLoop: Scenario = {
  name: "kill-loop",
  description: "SIGKILL every 300–800 ms under load with 0.3–1.5 MB results, restart, repeat",
  async run(dir: string, size: ChaosSize): Promise<ChaosCounts> {
    const kvPath = `${dir}/loom.kv`;
    const trace = `${dir}/trace.txt`;
    const runs = size === "ci" ? 24 : 100;
    const killsWanted = size === "ci" ? 3 : 6;
    const config = {
      kvPath,
      prefix: "loop-",
      runs,
      workers: 0,
      input: {
        trace,
        activities: 3,
        firstBytes: [300_000, 1_500_000] as [number, number],
        againBytes: 300_000,
        pad: "i".repeat(70_000),
      },
    };
    const ids = runIds(config.prefix, runs);
    const kills: KillSnapshot[] = [];
    while (kills.length < killsWanted) {
      const owner = Owner.spawn(config);
      await owner.waitFor("READY", 60_000).catch(async (e) => {
        await owner.kill();
        throw e;
      });
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 500));
      const done = owner.output.includes("DONE");
      await owner.kill();
      if (done) break;
      kills.push(await snapshot(kvPath, trace, ids));
    }
    const last = Owner.spawn(config);
    await last.waitFor("DONE", size === "ci" ? 120_000 : 600_000).catch(async (e) => {
      await last.kill();
      throw e;
    });
    await last.exit();
    return await account(kvPath, trace, ids, kills);
  },
};
