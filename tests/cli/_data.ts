/**
 * A KV file with runs in every state, owned by an in-process engine, for the CLI's read tests.
 *
 * @module
 */

import { createEngine, type Engine } from "../../engine/mod.ts";
import { SeqFlow, SignalFlow, ThrowFlow } from "../fixtures/flows.ts";

/**
 * Starts an engine on `kvPath` with three runs: `seq-1` (COMPLETED, `t_seq`), `throw-1`
 * (FAILED, `t_throw`) and `wait-1` (RUNNING, `t_signal` waiting for `go`).
 *
 * @param kvPath The KV file.
 * @returns The engine, still owning the file; close it.
 */
export async function seededEngine(kvPath: string): Promise<Engine> {
  const engine = await createEngine({ kvPath, pollIntervalMs: 20, shutdownGraceMs: 200 });
  try {
    await (await engine.start(SeqFlow, { n: 2 }, { workflowId: "seq-1" })).result();
    await engine.start(ThrowFlow, null, { workflowId: "throw-1" }).then((h) => h.result()).catch(
      () => {},
    );
    await engine.start(SignalFlow, {}, { workflowId: "wait-1" });
  } catch (e) {
    await engine.close();
    throw e;
  }
  return engine;
}
