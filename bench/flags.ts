/**
 * Command-line flags of `deno task bench`. Pure: parses an argument list.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { InvalidArgumentError } from "../engine/mod.ts";

/** The workloads, in the order they run. */
export const WORKLOAD_IDS = [
  "W1",
  "W2",
  "W3",
  "W4",
  "W5",
  "W6",
  "W7",
  "W8",
  "W9",
  "S1",
  "W11",
] as const;

/** A workload id. */
export type WorkloadId = typeof WORKLOAD_IDS[number];

/** What the bench was asked to do. */
export interface BenchFlags {
  /** Workloads to run, in bench order. @default all of them */
  only: WorkloadId[];
  /** Timed rounds per workload (W5, W6 and W9 run at most {@linkcode HEAVY_ROUNDS}). @default 5 */
  rounds: number;
  /** Passed to `createEngine` as `workers`. @default 0 */
  workers: number;
  /** KV in memory (`:memory:`) instead of a temp file, for the floor and every workload. */
  memory: boolean;
  /** Measure the floor (K1, K2); `--no-floor` leaves it out (for profiling a workload). */
  floor: boolean;
  /** Also run W1 through the HTTP API. */
  http: boolean;
  /** Folder for the temp KV files. @default the system temp folder */
  dir?: string;
  /** Print the usage and stop. */
  help: boolean;
}

/** Timed rounds of W5, W6 and W9 at most (each round writes 1,000–10,000 runs). */
export const HEAVY_ROUNDS = 3;

/** The usage text. */
export const USAGE = `Usage: deno task bench [options]

Measures the KV floor (K1, K2) and the workloads W1-W9 of BENCH.md, S1 (schedule fire
lateness) and W11 (run streams).

Options:
  --only W1,W3     run only these workloads (the floor always runs)
  --rounds N       timed rounds per workload after one warm-up (default 5; W5, W6, W8, W9 at most ${HEAVY_ROUNDS})
  --workers N      passed to createEngine as workers (default 0)
  --memory         KV in memory (":memory:") instead of a fresh temp file
  --http           also run W1 through the HTTP API (needs web/)
  --no-floor       leave out K1 and K2 (no floor ratios; for profiling a workload)
  --dir PATH       folder for the temp KV files (default: the system temp folder)
  -h, --help       show this text`;

function integer(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new InvalidArgumentError(
      `Invalid --${name} ${JSON.stringify(text)}: it must be an integer of at least ${min}`,
    );
  }
  return n;
}

function workloads(text: string | undefined): WorkloadId[] {
  if (text === undefined) return [...WORKLOAD_IDS];
  const wanted = new Set<WorkloadId>();
  for (const part of text.split(",").map((p) => p.trim().toUpperCase()).filter((p) => p !== "")) {
    if (!(WORKLOAD_IDS as readonly string[]).includes(part)) {
      throw new InvalidArgumentError(
        `Invalid --only ${JSON.stringify(text)}: unknown workload "${part}" (known: ${
          WORKLOAD_IDS.join(", ")
        })`,
      );
    }
    wanted.add(part as WorkloadId);
  }
  if (wanted.size === 0) {
    throw new InvalidArgumentError(`Invalid --only ${JSON.stringify(text)}: it names no workload`);
  }
  return WORKLOAD_IDS.filter((id) => wanted.has(id));
}

/**
 * Parses the bench's command line.
 *
 * @param args Arguments, without the program name.
 * @returns The flags.
 * @throws {InvalidArgumentError} For an unknown option or an invalid value.
 */
export function parseBenchFlags(args: readonly string[]): BenchFlags {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        only: { type: "string" },
        rounds: { type: "string" },
        workers: { type: "string" },
        memory: { type: "boolean", default: false },
        http: { type: "boolean", default: false },
        "no-floor": { type: "boolean", default: false },
        dir: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (e) {
    throw new InvalidArgumentError(`Invalid bench arguments: ${(e as Error).message}`);
  }
  const v = parsed.values;
  const flags: BenchFlags = {
    only: workloads(v.only),
    rounds: integer("rounds", v.rounds, 5, 1),
    workers: integer("workers", v.workers, 0, 0),
    memory: v.memory === true,
    floor: v["no-floor"] !== true,
    http: v.http === true,
    help: v.help === true,
  };
  if (v.dir !== undefined) flags.dir = v.dir;
  return flags;
}

/**
 * Timed rounds of a workload: W5, W6 and W9 run at most {@linkcode HEAVY_ROUNDS}.
 *
 * @param id The workload.
 * @param rounds The `--rounds` value.
 * @returns Rounds to time.
 */
export function roundsFor(id: WorkloadId, rounds: number): number {
  return id === "W5" || id === "W6" || id === "W8" || id === "W9"
    ? Math.min(rounds, HEAVY_ROUNDS)
    : rounds;
}
