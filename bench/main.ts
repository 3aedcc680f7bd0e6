/**
 * `deno task bench`: measures the KV floor (K1, K2) and the workloads W1–W9 of BENCH.md, prints
 * a table and writes the same figures as JSON to `bench/results/<timestamp>.json`.
 *
 * @module
 */

import {
  attachRatios,
  type BenchFlags,
  type BenchReport,
  floorOf,
  HEAVY_ROUNDS,
  k1,
  k1End,
  k2,
  parseBenchFlags,
  renderTable,
  roundsFor,
  runWorkload,
  USAGE,
  WORKLOADS,
} from "./mod.ts";

const RESULTS = new URL("./results/", import.meta.url);
const WEB = new URL("../web/mod.ts", import.meta.url);

async function cpuModel(): Promise<string> {
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    return /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? "unknown CPU";
  } catch {
    return "unknown CPU";
  }
}

async function httpStatus(flags: BenchFlags): Promise<string | undefined> {
  if (!flags.http) return undefined;
  try {
    await Deno.stat(WEB);
  } catch {
    return "not available: this build has no web/ (the HTTP API), so W1 ran in-process only";
  }
  return "not available: web/ exists, but the bench's HTTP variant of W1 is not written yet";
}

async function main(args: string[]): Promise<number> {
  let flags: BenchFlags;
  try {
    flags = parseBenchFlags(args);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const startedAt = new Date();
  const machine = {
    os: Deno.build.os,
    arch: Deno.build.arch,
    osRelease: Deno.osRelease(),
    cpuModel: await cpuModel(),
    cores: navigator.hardwareConcurrency,
    memoryBytes: Deno.systemMemoryInfo().total,
    loadAvgAtStart: Deno.loadavg(),
  };
  const dir = flags.dir ?? (Deno.env.get("TMPDIR") || "/tmp");
  console.error(
    `Loom bench: ${flags.floor ? "floor, then " : ""}${
      flags.only.join(", ")
    }; ${flags.rounds} rounds ` +
      `(W5, W6, W8, W9: at most ${HEAVY_ROUNDS}) after a warm-up; KV ${
        flags.memory ? ":memory:" : "file"
      }`,
  );
  const floor = flags.floor
    ? [await runWorkload(k1, flags, flags.rounds), await runWorkload(k2, flags, flags.rounds)]
    : [];
  const workloads = [];
  for (const id of flags.only) {
    workloads.push(await runWorkload(WORKLOADS[id], flags, roundsFor(id, flags.rounds)));
  }
  if (flags.floor) floor.push(await runWorkload(k1End, flags, flags.rounds));
  attachRatios(workloads, floorOf(floor));
  const report: BenchReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    deno: { ...Deno.version },
    machine,
    options: {
      only: flags.only,
      rounds: flags.rounds,
      heavyRounds: HEAVY_ROUNDS,
      workers: flags.workers,
      kv: flags.memory ? "memory" : "file",
      dir,
      http: flags.http,
      floor: flags.floor,
    },
    floor,
    workloads,
  };
  const http = await httpStatus(flags);
  if (http !== undefined) report.http = http;
  console.log(renderTable(report));
  await Deno.mkdir(RESULTS, { recursive: true });
  const file = new URL(`${startedAt.toISOString().replaceAll(":", "-")}.json`, RESULTS);
  await Deno.writeTextFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nJSON: ${file.pathname}`);
  const failed = [...floor, ...workloads].filter((r) => r.error !== undefined);
  return failed.length === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
