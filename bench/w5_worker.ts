/**
 * W5's subprocess (so earlier workloads do not pollute its memory figures): starts `--count`
 * workflows that each wait for a signal, samples RSS while they wait, signals them all, and
 * reports on stdout.
 *
 * `deno run -A bench/w5_worker.ts --kv <path> [--count 10000] [--workers 0]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createEngine } from "../engine/mod.ts";
import { FLOWS_MODULE } from "./env.ts";
import { GO_SIGNAL, WaitBench } from "./flows.ts";
import { report } from "./subprocess.ts";
import { percentile } from "./stats.ts";
import { Tracker } from "./track.ts";
import { startAll } from "./workloads/_start.ts";

const SAMPLE_MS = 10;
const HOLD_MS = 500;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      kv: { type: "string" },
      count: { type: "string", default: "10000" },
      workers: { type: "string", default: "0" },
    },
  });
  const count = Number(values.count);
  const engine = await createEngine({
    kvPath: values.kv ?? ":memory:",
    workers: Number(values.workers),
    modules: [FLOWS_MODULE],
  });
  try {
    const baselineRss = Deno.memoryUsage().rss;
    let peakRss = baselineRss;
    const sample = () => peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
    const sampler = setInterval(sample, SAMPLE_MS);
    using tracker = new Tracker(engine, count);
    let allWaiting!: () => void;
    const waiting = new Promise<void>((resolve) => allWaiting = resolve);
    const unsubscribe = engine.subscribe(() => {
      if (tracker.waitingAt.size >= count) allWaiting();
    });
    const started = await startAll(engine, WaitBench, null, count);
    await waiting;
    unsubscribe();
    const waitingMs = Math.max(...tracker.waitingAt.values()) - started.firstCall;
    await new Promise((r) => setTimeout(r, HOLD_MS));
    const heldRss = Deno.memoryUsage().rss;
    sample();
    clearInterval(sampler);
    const waitPeakRss = peakRss;
    const heapUsed = Deno.memoryUsage().heapUsed;

    const signalledAt = new Map<string, number>();
    await Promise.all(started.ids.map((id, i) => {
      signalledAt.set(id, performance.now());
      return engine.getHandle(id).signal(GO_SIGNAL, i);
    }));
    await tracker.done;
    const firstSignal = Math.min(...signalledAt.values());
    const lastDone = Math.max(...tracker.completedAt.values());
    const latencies = started.ids.map((id) =>
      (tracker.completedAt.get(id) as number) - (signalledAt.get(id) as number)
    );
    report("result", {
      count,
      baselineRss,
      waitPeakRss,
      heldRss,
      heapUsed,
      waitingMs,
      signalP50Ms: percentile(latencies, 50),
      signalP99Ms: percentile(latencies, 99),
      drainMs: lastDone - firstSignal,
    });
  } finally {
    await engine.close();
  }
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    Deno.exit(1);
  }
}
