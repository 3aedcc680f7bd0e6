/**
 * What the golden recorders (`record.ts`, `record_hooks.ts`) share: each run's name, version, id,
 * input and history, written to `tests/golden/<name>.json` once the run has ended.
 *
 * @module
 */

import type { Engine, WorkflowHandle } from "../../engine/mod.ts";

/**
 * Waits for each run to end and writes its golden file.
 *
 * @param engine The engine that ran them.
 * @param runs The runs, by the name of their file.
 */
export async function writeGoldens(
  engine: Engine,
  runs: Record<string, WorkflowHandle<unknown>>,
): Promise<void> {
  for (const [name, handle] of Object.entries(runs)) {
    await handle.result();
    const info = await handle.info();
    const history = (await engine.reader.history(handle.workflowId)).map((h) => ({
      kind: h.kind,
      time: h.time,
      events: h.events,
    }));
    const file = new URL(`./${name}.json`, import.meta.url);
    await Deno.writeTextFile(
      file,
      JSON.stringify(
        {
          workflow: info.name,
          version: info.version,
          workflowId: info.workflowId,
          input: info.input,
          history,
        },
        null,
        1,
      ) + "\n",
    );
    console.log(`wrote ${file.pathname}`);
  }
}
