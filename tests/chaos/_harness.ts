/**
 * What every chaos scenario uses: owner processes to start and kill, what the store held at
 * each kill, and the final accounting of a scenario's runs.
 *
 * @module
 */

import { EventType, LoomReader, WorkflowStatus } from "../../engine/mod.ts";
import { textDecoder } from "../_helpers.ts";
import type { OwnerConfig } from "./_owner.ts";

const OWNER = new URL("./_owner.ts", import.meta.url).pathname;

/** The counts a scenario reports. The ones in {@linkcode MUST_BE_ZERO} must be 0. */
export interface ChaosCounts {
  /** Runs started. */
  runs: number;
  /** Owner processes killed. */
  kills: number;
  /** Runs that did not complete in the end (or are gone). */
  lost: number;
  /** Runs whose history completes them more than once. */
  completedTwice: number;
  /** Activities whose result was committed before a kill and that ran again after it. */
  committedRerun: number;
  /** Runs whose record, input, result or history cannot be read back. */
  unreadable: number;
  /** Other figures a scenario measured (printed by `deno task chaos`). */
  figures?: Record<string, number>;
}

/** The counts that must be 0. */
export const MUST_BE_ZERO = ["lost", "completedTwice", "committedRerun", "unreadable"] as const;

/** How big a scenario runs: `ci` in `deno task test`, `full` in `deno task chaos`. */
export type ChaosSize = "ci" | "full";

/** A scenario of the chaos suite: one file in `scenarios/`, listed in `scenarios/mod.ts`. */
export interface Scenario {
  /** Short name (`--only` picks by it). */
  name: string;
  /** What it does, in a sentence. */
  description: string;
  /**
   * Runs the scenario in a temp folder of its own.
   *
   * @param dir The folder (removed afterwards).
   * @param size How big.
   * @returns Its counts.
   */
  run(dir: string, size: ChaosSize): Promise<ChaosCounts>;
}

/** An owner process (`_owner.ts`). */
export class Owner {
  readonly child: Deno.ChildProcess;
  #out = "";
  #err = "";
  readonly #pumps: Promise<void>[];

  private constructor(config: unknown, script: string) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, JSON.stringify(config)],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const pump = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
      for await (const text of stream.pipeThrough(textDecoder())) add(text);
    };
    this.#pumps = [
      pump(this.child.stdout, (s) => this.#out += s),
      pump(this.child.stderr, (s) => this.#err += s),
    ];
  }

  /**
   * Starts an owner process.
   *
   * @param config What it runs.
   * @returns The process.
   */
  static spawn(config: OwnerConfig): Owner {
    return new Owner(config, OWNER);
  }

  /**
   * Starts another owner script (the hostile scenario's), with its config as JSON.
   *
   * @param script The script's path.
   * @param config Its config.
   * @returns The process.
   */
  static spawnScript(script: string, config: unknown): Owner {
    return new Owner(config, script);
  }

  /** What it printed. */
  get output(): string {
    return this.#out;
  }

  /**
   * Waits until it printed a line starting with `text`.
   *
   * @param text The start of the line.
   * @param timeoutMs Give up after.
   * @returns The line.
   */
  async waitFor(text: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    this.child.status.then(() => exited = true);
    while (true) {
      const line = this.#out.split("\n").find((l) => l.startsWith(text));
      if (line !== undefined) return line;
      if (exited || Date.now() > deadline) {
        throw new Error(
          `The owner did not print "${text}" (${exited ? "it exited" : "timed out"}): ${
            this.#out.slice(-500)
          } ${this.#err.slice(-2000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /**
   * Sends it a signal (SIGSTOP, SIGCONT) if it still runs.
   *
   * @param signal The signal.
   */
  signal(signal: Deno.Signal): void {
    try {
      this.child.kill(signal);
    } catch {
      // It has exited already.
    }
  }

  /** Kills it with SIGKILL and waits for it to be gone. */
  async kill(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // It has exited already.
    }
    await this.child.status;
    await Promise.all(this.#pumps);
  }

  /**
   * Waits for it to end.
   *
   * @returns Its exit code.
   */
  async exit(): Promise<number> {
    const status = await this.child.status;
    await Promise.all(this.#pumps);
    return status.code;
  }

  /** What it printed to stderr. */
  get errors(): string {
    return this.#err;
  }
}

/** What the store held when an owner was killed. */
export interface KillSnapshot {
  /** Size of the trace file then: later lines ran after the kill. */
  traceBytes: number;
  /** `<workflowId> <i>` of the activities whose result had been committed. */
  committed: Set<string>;
}

async function withReader<T>(kvPath: string, fn: (r: LoomReader) => Promise<T>): Promise<T> {
  const kv = await Deno.openKv(kvPath);
  try {
    return await fn(new LoomReader(kv, kvPath));
  } finally {
    kv.close();
  }
}

/** `<workflowId> <i>` of the run's activities with a committed result (`i` from its arguments). */
function committedOf(
  id: string,
  events: { type: string; payload: unknown }[],
  into: Set<string>,
): void {
  const index = new Map<number, number>();
  for (const e of events) {
    const p = e.payload as { seq: number; args?: { i: number }[] };
    if (e.type === EventType.ActivityScheduled) index.set(p.seq, p.args?.[0]?.i ?? -1);
    if (e.type === EventType.ActivityCompleted) into.add(`${id} ${index.get(p.seq)}`);
  }
}

/**
 * Reads what a killed owner's file holds (runs that cannot be read are left out: the final
 * accounting counts them).
 *
 * @param kvPath The file.
 * @param trace The trace file.
 * @param ids The runs.
 * @returns The snapshot.
 */
export async function snapshot(
  kvPath: string,
  trace: string,
  ids: string[],
): Promise<KillSnapshot> {
  const committed = new Set<string>();
  await withReader(kvPath, async (reader) => {
    for (const id of ids) {
      try {
        committedOf(id, await reader.eventsOf(id), committed);
      } catch {
        // Unreadable now: counted at the end if it stays so.
      }
    }
  });
  // The trace's length after the reads: every start of a key found committed is before it, so
  // a start after it is a re-run. (Read before them, an activity that started after it and
  // committed before its run was read would count as one: the other owners keep working.)
  const traceBytes = (await Deno.stat(trace).catch(() => ({ size: 0 }))).size;
  return { traceBytes, committed };
}

/** The trace's start lines with their byte offsets. */
async function starts(trace: string): Promise<{ key: string; at: number }[]> {
  const bytes = await Deno.readFile(trace).catch(() => new Uint8Array());
  const out: { key: string; at: number }[] = [];
  const decoder = new TextDecoder();
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    const line = decoder.decode(bytes.subarray(start, i));
    if (line.endsWith(" start")) out.push({ key: line.slice(0, -" start".length), at: start });
    start = i + 1;
  }
  return out;
}

/**
 * The final accounting: every run read back whole, completed once, and no committed activity
 * run again after a kill.
 *
 * @param kvPath The file (no owner on it any more).
 * @param trace The trace file.
 * @param ids The runs.
 * @param kills What the store held at each kill.
 * @returns The counts.
 */
export async function account(
  kvPath: string,
  trace: string,
  ids: string[],
  kills: KillSnapshot[],
): Promise<ChaosCounts> {
  const counts: ChaosCounts = {
    runs: ids.length,
    kills: kills.length,
    lost: 0,
    completedTwice: 0,
    committedRerun: 0,
    unreadable: 0,
  };
  await withReader(kvPath, async (reader) => {
    for (const id of ids) {
      let record;
      try {
        record = await reader.run(id);
        if (record === undefined) {
          counts.lost++;
          continue;
        }
        await reader.input(record);
        await reader.result(record);
        const events = await reader.eventsOf(id);
        const completions = events.filter((e) => e.type === EventType.WorkflowCompleted).length;
        if (completions > 1) counts.completedTwice++;
      } catch {
        counts.unreadable++;
        continue;
      }
      if (record.status !== WorkflowStatus.Completed) counts.lost++;
    }
  });
  const runs = await starts(trace);
  for (const k of kills) {
    for (const key of k.committed) {
      if (runs.some((r) => r.key === key && r.at >= k.traceBytes)) counts.committedRerun++;
    }
  }
  return counts;
}

/**
 * The ids of a scenario's runs.
 *
 * @param prefix Their prefix.
 * @param n How many.
 * @returns The ids.
 */
export function runIds(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}
