/**
 * An owner process of the chaos scenarios:
 * `deno run -A tests/chaos/_owner.ts '<OwnerConfig as JSON>'`.
 *
 * It starts (or, after a restart, finds again: starts are idempotent) the runs `<prefix>0` …,
 * prints `READY`, and `DONE` once every run has ended (several owners may share the file: each
 * waits for every run, wherever it runs). It prints `LOST` and exits 3 when it loses a lease. With a crash point, it prints
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
  /** Start the runs only once this file exists (so that several owners start together). */
  startAfter?: string;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
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
// An owner that lost a lease to another process (it was paused past its lease) stops; it says
// so and exits non-zero, as `loom serve` and `loom worker` do, for a supervisor to restart it.
engine.lost.then(() => {
  console.log("LOST");
  Deno.exit(3);
});
console.log("READY");
while (config.startAfter !== undefined && !await exists(config.startAfter)) {
  await new Promise((r) => setTimeout(r, 20));
}
const handles = await Promise.all(
  Array.from(
    { length: config.runs },
    (_, i) => engine.start(ChaosFlow, config.input, { workflowId: `${config.prefix}${i}` }),
  ),
);
await Promise.all(handles.map((h) => h.result()));
console.log("DONE");
await engine.close();
