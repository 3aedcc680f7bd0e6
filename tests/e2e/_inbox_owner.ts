/**
 * An owner process for the inbox crash test. Usage:
 * `deno run -A tests/e2e/_inbox_owner.ts <kvPath> <crashPoint|none>`. It starts the run `inbox-1`
 * (idempotent), which counts the `go` signals it gets until none comes for 3 s; prints `READY`
 * once the run waits, `CRASHPOINT <point>` and freezes at the crash point (the test then
 * SIGKILLs it), or `DONE <json result>` when the run has completed.
 *
 * @module
 */

import { createEngine, defineWorkflow, SignalTimeoutError } from "../../engine/mod.ts";

const CountSignals = defineWorkflow<Record<string, never>, { signals: number }>({
  name: "CountSignals",
  steps: [async function count(ctx) {
    await ctx.waitForSignal("go");
    let signals = 1;
    while (true) {
      try {
        await ctx.waitForSignal("go", { timeout: "3s" });
        signals++;
      } catch (e) {
        if (e instanceof SignalTimeoutError) break;
        throw e;
      }
    }
    await ctx.state.set("signals", signals);
  }],
});

const [kvPath, point] = Deno.args;
const engine = await createEngine({
  kvPath: kvPath as string,
  pollIntervalMs: 50,
  onError: (e) => console.error(`engine error: ${e.message}`),
  crashPoint: async (reached) => {
    if (reached !== point) return;
    console.log(`CRASHPOINT ${reached}`);
    await new Promise(() => {});
  },
});
const handle = await engine.start(CountSignals, {}, { workflowId: "inbox-1" });
console.log("READY");
console.log(`DONE ${JSON.stringify(await handle.result())}`);
await engine.close();
