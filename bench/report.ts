/**
 * The bench's results, their ratios to the floor, and the table printed on stdout. Pure
 * functions (the JSON written to `bench/results/` is {@linkcode BenchReport} as it is).
 *
 * @module
 */

import { median, type Summary } from "./stats.ts";
import type { MetricKind, MetricSpec } from "./workload.ts";

/** One figure over the timed rounds, with its ratio to the floor. */
export interface MetricResult extends MetricSpec, Summary {
  /**
   * The median as a ratio to the floor: a `rate` ÷ K1 commits/s, a `time` ÷ K1 ms per commit
   * (absent for other kinds).
   */
  vsFloor?: number;
}

/** A workload's (or a floor measurement's) results. */
export interface WorkloadResult {
  /** `K1`, `W1`, … */
  id: string;
  /** Its shape. */
  title: string;
  /** Timed rounds that completed. */
  rounds: number;
  /** Its figures (those of the rounds that completed). */
  metrics: MetricResult[];
  /** Why it stopped, when a round failed. */
  error?: string;
  /** Why it did not run. */
  skipped?: string;
  /** How it was measured, when that needs saying. */
  note?: string;
}

/** K1's medians, which every ratio uses. */
export interface Floor {
  /** Sequential commits per second. */
  commitsPerSec: number;
  /** Milliseconds per commit. */
  msPerCommit: number;
}

/** Everything one run of the bench measured (written as JSON). */
export interface BenchReport {
  /** ISO time the run started. */
  startedAt: string;
  /** ISO time it ended. */
  finishedAt: string;
  /** `Deno.version`. */
  deno: { deno: string; v8: string; typescript: string };
  /** The machine. */
  machine: {
    os: string;
    arch: string;
    osRelease: string;
    cpuModel: string;
    cores: number;
    memoryBytes: number;
    loadAvgAtStart: number[];
  };
  /** The options used. */
  options: {
    only: string[];
    rounds: number;
    heavyRounds: number;
    workers: number;
    kv: "file" | "memory";
    dir: string;
    http: boolean;
    floor: boolean;
  };
  /** K1 and K2. */
  floor: WorkloadResult[];
  /** W1–W7 (those that were asked for). */
  workloads: WorkloadResult[];
  /** What happened to `--http`. */
  http?: string;
}

/**
 * K1's medians over every K1 round of the run (K1 runs before and again after the workloads, so
 * that load drifting during the run weighs on both sides of the ratios).
 *
 * @param floor The floor's results.
 * @returns The floor, or `undefined` when K1 has no completed round.
 */
export function floorOf(floor: readonly WorkloadResult[]): Floor | undefined {
  const pooled = (key: string) =>
    floor.filter((r) => r.id === "K1" || r.id.startsWith("K1 "))
      .flatMap((r) => r.metrics.find((m) => m.key === key)?.values ?? []);
  const rates = pooled("commitsPerSec");
  const ms = pooled("msPerCommit");
  if (rates.length === 0 || ms.length === 0) return undefined;
  return { commitsPerSec: median(rates), msPerCommit: median(ms) };
}

/**
 * A figure as a ratio to the floor: a rate divided by K1's commits/s (1 = one unit per commit's
 * time), a time divided by K1's ms per commit (how many sequential commits fit in it).
 *
 * @param kind The figure's kind.
 * @param value The figure.
 * @param floor K1.
 * @returns The ratio, or `undefined` for kinds that have none.
 */
export function floorRatio(kind: MetricKind, value: number, floor: Floor): number | undefined {
  if (kind === "rate") return value / floor.commitsPerSec;
  if (kind === "time") return value / floor.msPerCommit;
  return undefined;
}

/**
 * Adds `vsFloor` to every figure that has a floor ratio.
 *
 * @param results Workload results (changed in place).
 * @param floor K1, or `undefined` when it failed (no ratios then).
 */
export function attachRatios(results: readonly WorkloadResult[], floor: Floor | undefined): void {
  if (floor === undefined) return;
  for (const r of results) {
    for (const m of r.metrics) {
      const ratio = floorRatio(m.kind, m.median, floor);
      if (ratio !== undefined) m.vsFloor = ratio;
    }
  }
}

/**
 * Formats a figure with a precision that suits its size: `12,345`, `123`, `12.3`, `1.23`,
 * `0.123`; integers stay integers; `—` when not finite.
 *
 * @param n The figure.
 * @returns The text.
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return "—";
  const abs = Math.abs(n);
  if (Number.isInteger(n) || abs >= 100) {
    return Math.round(n).toLocaleString("en");
  }
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

/**
 * Formats a figure's floor ratio: `0.79× K1` for a rate, `2.9 commits` for a time.
 *
 * @param metric The figure.
 * @returns The text, or `""` when it has no ratio.
 */
export function formatRatio(metric: Pick<MetricResult, "kind" | "vsFloor">): string {
  if (metric.vsFloor === undefined) return "";
  const n = formatNumber(metric.vsFloor);
  return metric.kind === "rate" ? `${n}× K1` : `${n} commits`;
}

/** Aligns rows in columns; a row of one cell is a full line, outside the columns. */
function table(rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    if (row.length === 1) continue;
    row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, [...cell].length));
  }
  return rows.map((row) =>
    row.length === 1 ? row[0] as string : row.map((cell, i) => {
      const pad = " ".repeat((widths[i] ?? 0) - [...cell].length);
      return rightAligned.has(i) ? pad + cell : cell + pad;
    }).join("  ").trimEnd()
  );
}

function section(results: readonly WorkloadResult[], withRatio: boolean): string[] {
  const header = ["id", "figure", "median", "min", "max", "unit"];
  if (withRatio) header.push("vs floor");
  const rows: string[][] = [header];
  const notes: string[] = [];
  for (const r of results) {
    if (r.skipped !== undefined) {
      rows.push([`${r.id}  skipped: ${r.skipped}`]);
      continue;
    }
    for (const m of r.metrics) {
      const row = [
        r.id,
        m.label,
        formatNumber(m.median),
        formatNumber(m.min),
        formatNumber(m.max),
        m.unit,
      ];
      if (withRatio) row.push(formatRatio(m));
      rows.push(row);
    }
    if (r.error !== undefined) {
      const after = r.rounds > 0 ? ` (after ${r.rounds} timed rounds)` : "";
      rows.push([`${r.id}  FAILED${after}: ${r.error}`]);
    }
  }
  const lines = table(rows, new Set([2, 3, 4]));
  for (const r of results) {
    if (r.skipped !== undefined) continue;
    notes.push(`  ${r.id}: ${r.title}; ${r.rounds} timed round${r.rounds === 1 ? "" : "s"}`);
    if (r.note !== undefined) notes.push(`      ${r.note}`);
  }
  return [...lines.map((l) => `  ${l}`), "", ...notes];
}

/**
 * Renders the report as the table printed on stdout.
 *
 * @param report The report.
 * @returns The text.
 */
export function renderTable(report: BenchReport): string {
  const { machine: m, options: o } = report;
  const gib = (m.memoryBytes / 1024 ** 3).toFixed(1);
  const kv = o.kv === "memory" ? 'KV ":memory:"' : `KV a fresh temp file per round in ${o.dir}`;
  const floor = floorOf(report.floor);
  const out = [
    `Loom bench, ${report.startedAt}`,
    `Deno ${report.deno.deno} (V8 ${report.deno.v8}), ${m.os} ${m.arch}, ${m.cores} cores ` +
    `(${m.cpuModel}), ${gib} GiB, load ${m.loadAvgAtStart.map((x) => x.toFixed(2)).join(" ")}`,
    `${kv}; workers ${o.workers}; ${o.rounds} timed rounds after 1 warm-up ` +
    `(W5, W6: at most ${o.heavyRounds}); medians with min and max`,
    "",
    ...(report.floor.length === 0 ? ["Floor: left out (--no-floor)"] : [
      "Floor: raw Deno KV on the same file system, same run",
      ...section(report.floor, false),
    ]),
    "",
    floor === undefined
      ? `Workloads (no floor ratios: ${report.floor.length === 0 ? "--no-floor" : "K1 failed"})`
      : `Workloads; vs floor: a rate ÷ K1 (${formatNumber(floor.commitsPerSec)} commits/s), ` +
        `a time ÷ K1's ${formatNumber(floor.msPerCommit)} ms per commit ` +
        `(medians of all K1 rounds, before and after the workloads)`,
    ...section(report.workloads, true),
  ];
  if (report.http !== undefined) out.push("", `--http: ${report.http}`);
  return out.join("\n");
}
