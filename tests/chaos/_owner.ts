/**
 * An owner process of the chaos scenarios:
 * `deno run -A tests/chaos/_owner.ts '<OwnerConfig as JSON>'`.
 *
 * It starts (or, after a restart, finds again: starts are idempotent) the runs `<prefix>0` …,
 * prints `READY`, and `DONE` once every run has ended. With a crash point, it prints
 * `CRASHPOINT <point> <workflowId>` the first time it reaches it and freezes there, for the
 * harness to SIGKILL it.
 *
 * @module
 */

import { createEngine } from "../../engine/mod.ts";
import { ChaosFlow, type ChaosInput } from "./_flows.ts";

/** What an owner process is told. */
export interface OwnerConfig {
  /** The KV file. */
  kvPath: string;
  /** Run ids are this prefix and a number. */
  prefix: string;
  /** How many runs. */
  runs: number;
  /** The runs' input. */
  input: ChaosInput;
  /** Where to freeze, if anywhere. */
  crashPoint?: string;
  /** Web Workers (0: all in this isolate). */
  workers: number;
}

const config = JSON.parse(Deno.args[0] ?? "{}") as OwnerConfig;
let frozen = false;
const engine = await createEngine({
  kvPath: config.kvPath,
  workers: config.workers,
  onError: (e) => console.error(`engine error: ${e.message}`),
  ...(config.crashPoint === undefined ? {} : {
    crashPoint: async (point: string, workflowId: string) => {
      if (point !== config.crashPoint || frozen) return;
      frozen = true;
      console.log(`CRASHPOINT ${point} ${workflowId}`);
      await new Promise(() => {});
    },
  }),
});
console.log("READY");
const handles = await Promise.all(
  Array.from(
    { length: config.runs },
    (_, i) => engine.start(ChaosFlow, config.input, { workflowId: `${config.prefix}${i}` }),
  ),
);
await Promise.all(handles.map((h) => h.result()));
console.log("DONE");
await engine.close();
