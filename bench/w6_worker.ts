/**
 * W6's owner process. `--mode start` creates the engine on the file and starts W1's 1,000 runs
 * (ids `w6-0` …), and is killed while they run; `--mode resume` creates the engine on
 * the same file, waits until every run has ended and reports how many completed.
 *
 * `deno run -A bench/w6_worker.ts --mode start|resume --kv <file> --trace <file>
 *   [--count 1000] [--steps 3] [--workers 0]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createEngine, WorkflowStatus } from "../engine/mod.ts";
import { FLOWS_MODULE, within } from "./env.ts";
import { TracedSeqBench } from "./flows.ts";
import { report } from "./subprocess.ts";

const RESUME_LIMIT_MS = 120_000;

/**
 * The ids of W6's runs.
 *
 * @param count How many.
 * @returns `w6-0`, `w6-1`, …
 */
export function w6Ids(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `w6-${i}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      mode: { type: "string" },
      kv: { type: "string" },
      trace: { type: "string" },
      count: { type: "string", default: "1000" },
      steps: { type: "string", default: "3" },
      workers: { type: "string", default: "0" },
    },
  });
  if (values.kv === undefined || values.trace === undefined) {
    throw new Error("w6_worker needs --kv and --trace");
  }
  const ids = w6Ids(Number(values.count));
  const engine = await createEngine({
    kvPath: values.kv,
    workers: Number(values.workers),
    modules: [FLOWS_MODULE],
  });
  report("ready");
  if (values.mode === "start") {
    let completed = 0;
    let finished!: () => void;
    const all = new Promise<void>((resolve) => finished = resolve);
    engine.subscribe((change) => {
      if (change.status !== WorkflowStatus.Completed) return;
      completed++;
      if (completed === ids.length) finished();
    });
    const input = { steps: Number(values.steps), trace: values.trace };
    await Promise.all(
      ids.map((workflowId) => engine.start(TracedSeqBench, input, { workflowId })),
    );
    report("started", { count: ids.length });
    await all;
    report("finished", { completed });
    await engine.close();
    return;
  }
  const outcomes = await within(
    Promise.allSettled(ids.map((id) => engine.getHandle(id).result())),
    RESUME_LIMIT_MS,
    "the runs to end after the restart",
  ).catch(() => undefined);
  if (outcomes !== undefined) report("ended");
  const statuses = await Promise.all(
    ids.map((id) => engine.getHandle(id).status().catch(() => "MISSING")),
  );
  const completed = statuses.filter((s) => s === WorkflowStatus.Completed).length;
  const notCompleted = ids.filter((_, i) => statuses[i] !== WorkflowStatus.Completed);
  report("done", {
    completed,
    timedOut: outcomes === undefined,
    notCompleted: notCompleted.slice(0, 10),
    statuses: Object.fromEntries(
      [...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length]),
    ),
  });
  await engine.close();
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    Deno.exit(1);
  }
}
