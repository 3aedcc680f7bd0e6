import assert from "node:assert/strict";
import {
  attachRatios,
  type BenchReport,
  floorOf,
  floorRatio,
  formatNumber,
  formatRatio,
  renderTable,
  type WorkloadResult,
} from "../../bench/report.ts";

const K1: WorkloadResult = {
  id: "K1",
  title: "commits",
  rounds: 3,
  metrics: [
    {
      key: "commitsPerSec",
      label: "sequential commits/s",
      unit: "commits/s",
      kind: "floor",
      median: 2000,
      min: 1900,
      max: 2100,
      values: [1900, 2000, 2100],
    },
    {
      key: "msPerCommit",
      label: "per commit",
      unit: "ms",
      kind: "floor",
      median: 0.5,
      min: 0.48,
      max: 0.53,
      values: [0.5, 0.48, 0.53],
    },
  ],
};

function workload(): WorkloadResult {
  return {
    id: "W2",
    title: "one workflow with 100 sequential steps",
    rounds: 3,
    metrics: [
      {
        key: "msPerStep",
        label: "per durable step",
        unit: "ms",
        kind: "time",
        median: 1.5,
        min: 1.4,
        max: 1.7,
        values: [1.4, 1.5, 1.7],
      },
      {
        key: "stepsPerSec",
        label: "steps/s",
        unit: "steps/s",
        kind: "rate",
        median: 500,
        min: 450,
        max: 520,
        values: [450, 500, 520],
      },
      {
        key: "lost",
        label: "lost runs",
        unit: "runs",
        kind: "count",
        median: 0,
        min: 0,
        max: 0,
        values: [0, 0, 0],
      },
    ],
  };
}

Deno.test("floorRatio() divides rates by K1 commits/s and times by K1 ms per commit", () => {
  const floor = { commitsPerSec: 2000, msPerCommit: 0.5 };
  assert.equal(floorRatio("rate", 500, floor), 0.25);
  assert.equal(floorRatio("time", 1.5, floor), 3);
  assert.equal(floorRatio("count", 0, floor), undefined);
  assert.equal(floorRatio("bytes", 1, floor), undefined);
  assert.equal(floorRatio("ratio", 1, floor), undefined);
});

Deno.test("attachRatios() uses K1's medians, and adds nothing without K1", () => {
  const results = [workload()];
  attachRatios(results, floorOf([K1]));
  assert.deepEqual(results[0]?.metrics.map((m) => m.vsFloor), [3, 0.25, undefined]);
  const without = [workload()];
  attachRatios(without, floorOf([{ ...K1, metrics: [] }]));
  assert.deepEqual(without[0]?.metrics.map((m) => m.vsFloor), [undefined, undefined, undefined]);
});

Deno.test("floorOf() pools the K1 rounds from before and after the workloads", () => {
  const end: WorkloadResult = {
    ...K1,
    id: "K1 end",
    metrics: K1.metrics.map((m) => ({
      ...m,
      values: m.key === "commitsPerSec" ? [1000, 1000] : [1, 1],
    })),
  };
  // rates 1900, 2000, 2100, 1000, 1000 → 1900; ms 0.5, 0.48, 0.53, 1, 1 → 0.53
  assert.deepEqual(floorOf([K1, end]), { commitsPerSec: 1900, msPerCommit: 0.53 });
  assert.deepEqual(floorOf([K1]), { commitsPerSec: 2000, msPerCommit: 0.5 });
  assert.equal(floorOf([]), undefined);
});

Deno.test("formatNumber() keeps about three significant digits", () => {
  assert.equal(formatNumber(12345.6), "12,346");
  assert.equal(formatNumber(123.4), "123");
  assert.equal(formatNumber(12.34), "12.3");
  assert.equal(formatNumber(1.234), "1.23");
  assert.equal(formatNumber(0.12345), "0.123");
  assert.equal(formatNumber(0.5), "0.500");
  assert.equal(formatNumber(7), "7");
  assert.equal(formatNumber(Infinity), "—");
  assert.equal(formatNumber(NaN), "—");
});

Deno.test("formatRatio() names the unit of the ratio", () => {
  assert.equal(formatRatio({ kind: "rate", vsFloor: 0.25 }), "0.250× K1");
  assert.equal(formatRatio({ kind: "time", vsFloor: 3 }), "3 commits");
  assert.equal(formatRatio({ kind: "count" }), "");
});

Deno.test("renderTable() shows the floor, the figures with ratios, failures and skips", () => {
  const w2 = workload();
  attachRatios([w2], floorOf([K1]));
  const report: BenchReport = {
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:01:00.000Z",
    deno: { deno: "2.9.6", v8: "15", typescript: "6" },
    machine: {
      os: "linux",
      arch: "x86_64",
      osRelease: "6",
      cpuModel: "Test CPU",
      cores: 2,
      memoryBytes: 2 * 1024 ** 3,
      loadAvgAtStart: [0.5, 0.25, 0],
    },
    options: {
      only: ["W2", "W5", "W6"],
      rounds: 3,
      heavyRounds: 3,
      workers: 0,
      kv: "file",
      dir: "/tmp",
      http: true,
      floor: true,
    },
    floor: [K1],
    workloads: [
      w2,
      { id: "W5", title: "waits", rounds: 0, metrics: [], error: "Error: boom" },
      { id: "W6", title: "crash", rounds: 0, metrics: [], skipped: "needs a file" },
    ],
    http: "not available",
  };
  const text = renderTable(report);
  assert.match(text, /2 cores \(Test CPU\), 2\.0 GiB, load 0\.50 0\.25 0\.00/);
  assert.match(text, /K1 +sequential commits\/s +2,000 +1,900 +2,100 +commits\/s/);
  assert.match(text, /a rate ÷ K1 \(2,000 commits\/s\), a time ÷ K1's 0\.500 ms per commit/);
  assert.match(text, /W2 +per durable step +1\.50 +1\.40 +1\.70 +ms +3 commits/);
  assert.match(text, /W2 +steps\/s +500 +450 +520 +steps\/s +0\.250× K1/);
  assert.match(text, /W5 {2}FAILED: Error: boom/);
  assert.match(text, /W6 {2}skipped: needs a file/);
  assert.match(text, /--http: not available/);
});
