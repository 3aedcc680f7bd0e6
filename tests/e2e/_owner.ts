/**
 * A Loom owner process for the crash-recovery test. Usage:
 * `deno run -A tests/e2e/_owner.ts <kvPath> <tracePath> <crashPoint|none> <count>`.
 * It starts `count` runs of the recovery workflow (ids r-0 …, idempotent), prints `CRASHPOINT
 * <point>` and freezes when it reaches the crash point (the test then SIGKILLs it), or prints
 * `DONE <json results>` when every run has completed.
 *
 * @module
 */

import { createEngine } from "../../engine/mod.ts";
import { RecoveryFlow } from "../fixtures/recovery.ts";

const [kvPath, tracePath, point, countText] = Deno.args;
const count = Number(countText);
const engine = await createEngine({
  kvPath: kvPath as string,
  onError: (e) => console.error(`engine error: ${e.message}`),
  crashPoint: async (reached) => {
    if (reached !== point) return;
    console.log(`CRASHPOINT ${reached}`);
    await new Promise(() => {});
  },
});
console.log("READY");
const handles = await Promise.all(
  Array.from(
    { length: count },
    (_, i) =>
      engine.start(RecoveryFlow, { trace: tracePath as string, ms: 150, sleepMs: 300 }, {
        workflowId: `r-${i}`,
      }),
  ),
);
const results = await Promise.all(handles.map((h) => h.result()));
console.log(`DONE ${JSON.stringify(results)}`);
await engine.close();
