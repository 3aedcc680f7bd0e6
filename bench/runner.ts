/**
 * Runs a workload: one untimed warm-up round, then the timed rounds, each in a fresh
 * environment; a failing round stops that workload only.
 *
 * @module
 */

import { withRoundEnv } from "./env.ts";
import type { BenchFlags } from "./flags.ts";
import type { MetricResult, WorkloadResult } from "./report.ts";
import { summarize } from "./stats.ts";
import type { Workload } from "./workload.ts";

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * Runs a workload's warm-up and timed rounds.
 *
 * @param workload The workload.
 * @param flags The bench's flags.
 * @param rounds Timed rounds.
 * @returns Its results: the figures of the rounds that completed, and the error that stopped
 *   it, if any.
 */
export async function runWorkload(
  workload: Workload,
  flags: BenchFlags,
  rounds: number,
): Promise<WorkloadResult> {
  const result: WorkloadResult = { id: workload.id, title: workload.title, rounds: 0, metrics: [] };
  const note = workload.note?.(flags);
  if (note !== undefined) result.note = note;
  const skipped = workload.skip?.(flags);
  if (skipped !== undefined) {
    result.skipped = skipped;
    console.error(`${workload.id} skipped: ${skipped}`);
    return result;
  }
  const values = new Map<string, number[]>(workload.metrics.map((m) => [m.key, []]));
  try {
    for (let round = 0; round <= rounds; round++) {
      const label = round === 0 ? "warm-up" : `round ${round}/${rounds}`;
      const t0 = performance.now();
      const figures = await withRoundEnv(flags, round, (env) => workload.run(env));
      console.error(
        `${workload.id} ${label} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      if (round === 0) continue;
      for (const spec of workload.metrics) {
        const v = figures[spec.key];
        if (typeof v !== "number" || Number.isNaN(v)) {
          throw new Error(`${workload.id} returned no value for "${spec.key}"`);
        }
        values.get(spec.key)?.push(v);
      }
      result.rounds = round;
    }
  } catch (e) {
    result.error = describe(e);
    console.error(`${workload.id} failed: ${result.error}`);
  }
  if (result.rounds > 0) {
    result.metrics = workload.metrics.map((spec): MetricResult => ({
      ...spec,
      ...summarize(values.get(spec.key) ?? []),
    }));
  }
  return result;
}
