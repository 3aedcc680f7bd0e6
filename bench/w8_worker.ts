/**
 * One of W8's owner processes: it joins the KV file (the first creates it), waits for the go
 * file, starts its share of W1's runs (ids `w8-<k>` with `k % of === index`), and reports each
 * run it completes, and the first progress of a run in each partition it took after the go.
 *
 * `deno run -A bench/w8_worker.ts --kv <file> --go <file> --index I --of N [--count 1000]
 *   [--steps 3]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createEngine, WorkflowStatus } from "../engine/mod.ts";
import { partitionOf } from "../store/mod.ts";
import { FLOWS_MODULE } from "./env.ts";
import { SeqBench } from "./flows.ts";
import { report } from "./subprocess.ts";

/**
 * The ids of W8's runs.
 *
 * @param count How many.
 * @returns `w8-0`, `w8-1`, …
 */
export function w8Ids(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `w8-${i}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      kv: { type: "string" },
      go: { type: "string" },
      index: { type: "string", default: "0" },
      of: { type: "string", default: "1" },
      count: { type: "string", default: "1000" },
      steps: { type: "string", default: "3" },
    },
  });
  if (values.kv === undefined || values.go === undefined) {
    throw new Error("w8_worker needs --kv and --go");
  }
  const index = Number(values.index);
  const of = Number(values.of);
  const engine = await createEngine({ kvPath: values.kv, workers: 0, modules: [FLOWS_MODULE] });
  report("ready", { partitions: engine.health().partitions.length });
  while (!await Deno.stat(values.go).then(() => true, () => false)) {
    await new Promise((r) => setTimeout(r, 5));
  }
  // Partitions it held at the go, or has reported progress in since it last took them: one it
  // gives up is forgotten, so that progress after it takes it again (from a killed process) is
  // reported again.
  const seen = new Set(engine.health().partitions);
  const forget = setInterval(() => {
    const held = new Set(engine.health().partitions);
    for (const p of seen) if (!held.has(p)) seen.delete(p);
  }, 50);
  const completed: number[] = [];
  engine.subscribe((change) => {
    const partition = partitionOf(change.workflowId, 16);
    if (!seen.has(partition)) {
      seen.add(partition);
      report("progressed", { at: Date.now(), partition });
    }
    if (change.status === WorkflowStatus.Completed) {
      completed.push(Date.now());
      if (completed.length % 50 === 0) report("completed", { count: completed.length });
    }
  });
  const mine = w8Ids(Number(values.count)).filter((_, k) => k % of === index);
  await Promise.all(
    mine.map((workflowId) =>
      engine.start(SeqBench, { steps: Number(values.steps) }, { workflowId })
    ),
  );
  report("started", { count: mine.length });
  // Ends when told (the harness reads the store for the totals).
  await new Promise<void>((resolve) => Deno.addSignalListener("SIGTERM", resolve));
  clearInterval(forget);
  report("done", { completed });
  await engine.close();
}

if (import.meta.main) await main();
