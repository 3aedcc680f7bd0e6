/**
 * An owner process for the paused-owner test. Usage:
 * `deno run -A tests/e2e/_pause_owner.ts <kvPath> <tracePath> <count> <concurrency> start|join`.
 * `start` starts `count` runs (ids p-0 …); `join` waits to own the file and carries the runs on.
 * Prints `READY` once it owns the file, `DONE` once every run completed, and exits 3 when it
 * loses the owner lease (as `loom serve` does).
 *
 * @module
 */

import { createEngine, LeaseLostError } from "../../engine/mod.ts";
import { PausedFlow } from "../fixtures/pause_flows.ts";

const [kvPath, tracePath, countText, concurrencyText, mode] = Deno.args;
const count = Number(countText);
const engine = await createEngine({
  kvPath: kvPath as string,
  concurrency: Number(concurrencyText),
  onError: (e) => {
    console.error(`engine error: ${e.message}`);
    if (e instanceof LeaseLostError) Deno.exit(3);
  },
});
console.log("READY");
const ids = Array.from({ length: count }, (_, i) => `p-${i}`);
if (mode === "start") {
  await Promise.all(
    ids.map((id) =>
      engine.start(PausedFlow, { trace: tracePath as string, ms: 100 }, { workflowId: id })
    ),
  );
}
await Promise.all(ids.map((id) => engine.getHandle(id).result()));
console.log("DONE");
await engine.close();
