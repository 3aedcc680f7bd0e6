/**
 * Two finished runs with events, logs and tasks, for the event, log and task query tests.
 *
 * @module
 */

import { createEngine } from "../../../engine/mod.ts";
import { ClassFlow, SeqFlow } from "../../fixtures/flows.ts";

/**
 * Runs `fn` on an in-memory KV where an engine ran `a` (`t_class`) and `b` (`t_seq`) to the end.
 *
 * @param fn The test, given the KV handle and the run ids.
 */
export async function withHistory(
  fn: (kv: Deno.Kv, ids: string[]) => Promise<void>,
): Promise<void> {
  using kv = await Deno.openKv(":memory:");
  await using engine = await createEngine({ kv });
  const a = await engine.start(ClassFlow, { x: 1 }, { workflowId: "a" });
  await a.result();
  const b = await engine.start(SeqFlow, { n: 2 }, { workflowId: "b" });
  await b.result();
  await fn(kv, ["a", "b"]);
}
