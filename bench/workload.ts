/**
 * What a bench workload is: a named shape that runs one round in a fresh environment and
 * returns its figures, each declared with a unit and a kind (which decides its floor ratio).
 *
 * @module
 */

import type { Engine, EngineOptions } from "../engine/mod.ts";
import type { BenchFlags } from "./flags.ts";

/**
 * How a figure relates to the floor: a `rate` is divided by K1's commits/s, a `time` by K1's
 * ms per commit; `count`, `bytes`, `ratio` and `floor` (the floor's own figures) have no floor
 * ratio.
 */
export type MetricKind = "rate" | "time" | "count" | "bytes" | "ratio" | "floor";

/** One figure a workload reports. */
export interface MetricSpec {
  /** Key in the round's figures and in the JSON. */
  key: string;
  /** What it is, for the table. */
  label: string;
  /** Unit, for the table. */
  unit: string;
  /** How it relates to the floor. */
  kind: MetricKind;
}

/** The fresh environment of one round: its own temp folder and KV file. */
export interface RoundEnv {
  /** A fresh KV file in {@linkcode RoundEnv.dir}, or `":memory:"` with `--memory`. */
  readonly kvPath: string;
  /** A fresh temp folder, removed after the round. */
  readonly dir: string;
  /** The bench's flags. */
  readonly flags: BenchFlags;
  /** 0 for the warm-up round, then 1, 2, … */
  readonly round: number;
  /**
   * Creates an engine on {@linkcode RoundEnv.kvPath} with the bench's options (`workers`, the
   * bench's workflow module); the round closes it if the workload does not.
   */
  engine(options?: Partial<EngineOptions>): Promise<Engine>;
  /** Prints a progress line (stderr). */
  log(message: string): void;
}

/** A workload (or a floor measurement). */
export interface Workload {
  /** Its id (`K1`, `W1`, …). */
  id: string;
  /** One-line shape, exactly as measured. */
  title: string;
  /** The figures a round returns. */
  metrics: MetricSpec[];
  /** Why it cannot run with these flags, or `undefined` when it can. */
  skip?(flags: BenchFlags): string | undefined;
  /** A note printed under the table (rounds, method). */
  note?(flags: BenchFlags): string | undefined;
  /** Runs one round; returns a value for every metric key. */
  run(env: RoundEnv): Promise<Record<string, number>>;
}
