/**
 * Records the golden histories of hooks and run streams: runs the fixtures of
 * `tests/fixtures/hook_flows.ts` once on an in-memory engine and writes each history to
 * `tests/golden/<name>.json` (as replay reads it: hook tokens in the clear). Run by hand
 * (`deno run -A tests/golden/record_hooks.ts`) only when a history change is intended;
 * `tests/engine/replay/golden_test.ts` checks that they still replay.
 *
 * @module
 */

import { createEngine, type Engine, type WorkflowHandle } from "../../engine/mod.ts";
import { HookFlow, StreamFlow } from "../fixtures/hook_flows.ts";
import { writeGoldens } from "./_write.ts";

const engine = await createEngine({ kvPath: ":memory:", publicUrl: "https://golden.example" });

async function token(e: Engine, id: string): Promise<string> {
  while (true) {
    for (const ev of await e.reader.history(id)) {
      for (const x of ev.events as { type: string; payload: { key?: string; value?: string } }[]) {
        if (x.type === "STATE_SET" && x.payload.key === "token") return x.payload.value as string;
      }
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

const runs: Record<string, WorkflowHandle<unknown>> = {
  hook: await engine.start(HookFlow, { timeout: 60_000 }, { workflowId: "golden-hook" }),
  hook_early: await engine.start(HookFlow, { sleepFirst: 50 }, { workflowId: "golden-hook-early" }),
  hook_timeout: await engine.start(HookFlow, { timeout: 30 }, {
    workflowId: "golden-hook-timeout",
  }),
  stream: await engine.start(StreamFlow, { n: 3, gapMs: 10 }, { workflowId: "golden-stream" }),
};
await engine.resumeHook(await token(engine, "golden-hook"), { approved: true, by: "golden" });
await engine.resumeHook(await token(engine, "golden-hook-early"), "early");
await writeGoldens(engine, runs);
await engine.close();
