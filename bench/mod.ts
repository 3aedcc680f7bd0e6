/**
 * The benchmark's parts (`deno task bench` runs `main.ts`): its flags, the KV floor, the
 * workloads of BENCH.md and their runner, the statistics and the report.
 *
 * @module
 */

export {
  type BenchFlags,
  HEAVY_ROUNDS,
  parseBenchFlags,
  roundsFor,
  USAGE,
  WORKLOAD_IDS,
  type WorkloadId,
} from "./flags.ts";
export { k1, K1_COMMITS, k1End, k2, K2_MESSAGES } from "./floor.ts";
export {
  attachRatios,
  type BenchReport,
  type Floor,
  floorOf,
  floorRatio,
  formatNumber,
  formatRatio,
  type MetricResult,
  renderTable,
  type WorkloadResult,
} from "./report.ts";
export { runWorkload } from "./runner.ts";
export { median, percentile, summarize, type Summary } from "./stats.ts";
export type { MetricKind, MetricSpec, RoundEnv, Workload } from "./workload.ts";
export { WORKLOADS } from "./workloads/mod.ts";
