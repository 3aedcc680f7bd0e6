/**
 * W6: W1 with its owner process killed (SIGKILL) once mid-run and restarted. The owner runs as
 * a subprocess ({@link ../w6_worker.ts}); step bodies append to a trace file so that executions
 * can be counted across the crash.
 *
 * @module
 */

import { EventType, LoomReader, WorkflowStatus } from "../../engine/mod.ts";
import { within } from "../env.ts";
import { Child } from "../subprocess.ts";
import { w6Ids } from "../w6_worker.ts";
import type { RoundEnv, Workload } from "../workload.ts";
import { countReruns, parseTrace } from "./w6_count.ts";

const WORKFLOWS = 1000;
const STEPS = 3;
/**
 * The owner is killed once this many step bodies have run (40 %). Not "40 % of the runs
 * completed": the runs advance in lockstep, so completions arrive in one burst at the end.
 */
export const KILL_AFTER_STEPS = Math.round(WORKFLOWS * STEPS * 0.4);
const POLL_MS = 2;
const WORKER = new URL("../w6_worker.ts", import.meta.url);

/** What the store held when the owner died. */
async function snapshotCounts(
  path: string,
  ids: string[],
): Promise<{ committed: Set<string>; completed: number }> {
  const kv = await Deno.openKv(path);
  const reader = new LoomReader(kv, path);
  try {
    const committed = new Set<string>();
    let completed = 0;
    const records = await reader.runs(ids);
    for (const r of records) if (r?.status === WorkflowStatus.Completed) completed++;
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(
        ids.slice(i, i + 50).map(async (id) => {
          for (const e of await reader.eventsOf(id)) {
            if (e.type === EventType.ActivityCompleted) {
              committed.add(`${id}:${(e.payload as { seq: number }).seq}`);
            }
          }
        }),
      );
    }
    return { committed, completed };
  } finally {
    kv.close();
  }
}

/** Waits until a trace file has `lines` lines (polling: the harness, not the engine). */
async function untilLines(path: string, lines: number, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const text = await Deno.readTextFile(path).catch(() => "");
    let n = 0;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
    if (n >= lines) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`The owner exited before ${lines} step bodies ran`);
}

async function copyIfExists(from: string, to: string): Promise<void> {
  try {
    await Deno.copyFile(from, to);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

function args(env: RoundEnv, mode: string, trace: string): string[] {
  return [
    "--mode",
    mode,
    "--kv",
    env.kvPath,
    "--trace",
    trace,
    "--count",
    String(WORKFLOWS),
    "--steps",
    String(STEPS),
    "--workers",
    String(env.flags.workers),
  ];
}

/** W6. */
export const w6: Workload = {
  id: "W6",
  title: `W1 (${WORKFLOWS.toLocaleString("en")} × ${STEPS} steps) with its owner SIGKILLed once ` +
    `after ${KILL_AFTER_STEPS.toLocaleString("en")} step bodies ran, then restarted`,
  metrics: [
    { key: "restartToDoneMs", label: "restart → all 1,000 completed", unit: "ms", kind: "time" },
    {
      key: "restartToReadyMs",
      label: "restart → engine open (lease taken)",
      unit: "ms",
      kind: "time",
    },
    {
      key: "restartToFirstStepMs",
      label: "restart → first step body runs",
      unit: "ms",
      kind: "time",
    },
    {
      key: "completedAtKill",
      label: "runs completed in the store at the kill",
      unit: "runs",
      kind: "count",
    },
    {
      key: "stepsCommittedAtKill",
      label: "step results in the store at the kill",
      unit: "steps",
      kind: "count",
    },
    { key: "lost", label: "lost runs (must be 0)", unit: "runs", kind: "count" },
    {
      key: "ranMoreThanOnce",
      label: "step bodies that ran more than once",
      unit: "steps",
      kind: "count",
    },
    {
      key: "rerunCommitted",
      label: "… of which committed before the kill (must be 0)",
      unit: "steps",
      kind: "count",
    },
    {
      key: "rerunUncommitted",
      label: "… of which in flight, not committed (at-least-once)",
      unit: "steps",
      kind: "count",
    },
    {
      key: "repeatedWithinGeneration",
      label: "… of which repeated within one process",
      unit: "steps",
      kind: "count",
    },
  ],
  skip: (flags) =>
    flags.memory ? "W6 needs a KV file: a killed process's :memory: store is gone" : undefined,
  note: () =>
    "W6 step bodies also append a line to a trace file (to count executions); " +
    '"restart" is the spawn of the new owner process, so it includes Deno\'s start-up and ' +
    "waiting for the dead owner's lease (1 s TTL) to lapse.",
  async run(env) {
    const trace = `${env.dir}/trace.txt`;
    const ids = w6Ids(WORKFLOWS);
    let bytesAtKill: number;
    {
      await using first = new Child(WORKER, args(env, "start", trace));
      await first.waitFor((m) => m.event === "started", 120_000, "W6's starts");
      await within(
        untilLines(trace, KILL_AFTER_STEPS, () => first.exited),
        120_000,
        `${KILL_AFTER_STEPS} step bodies to run`,
      );
      first.kill("SIGKILL");
      await first.status;
      if (first.received("finished")) {
        throw new Error("W6's owner finished every run before it could be killed");
      }
      bytesAtKill = (await Deno.stat(trace)).size;
    }
    const snapshot = `${env.dir}/at_kill.kv`;
    await Deno.copyFile(env.kvPath, snapshot);
    await copyIfExists(`${env.kvPath}-wal`, `${snapshot}-wal`);

    await using second = new Child(WORKER, args(env, "resume", trace));
    const ready = await second.waitFor((m) => m.event === "ready", 120_000, "the restarted owner");
    const done = await second.waitFor(
      (m) => m.event === "done",
      180_000,
      "the restarted owner to finish",
    );
    const ended = await second.waitFor((m) => m.event === "ended", 1, "all runs to end")
      .catch(() => undefined);
    await second.status;
    if (ended === undefined) {
      throw new Error(
        `W6: the runs did not all end after the restart: ${JSON.stringify(done.message.statuses)}`,
      );
    }
    const atKill = await snapshotCounts(snapshot, ids);
    if (atKill.completed >= WORKFLOWS) {
      throw new Error("W6's owner finished every run before it was killed");
    }
    const runs = parseTrace(await Deno.readTextFile(trace), bytesAtKill);
    const counts = countReruns(runs, atKill.committed);
    const firstAfter = Math.min(...runs.filter((r) => r.generation === 2).map((r) => r.at));
    return {
      restartToDoneMs: ended.at - second.spawnedAt,
      restartToReadyMs: ready.at - second.spawnedAt,
      restartToFirstStepMs: firstAfter - second.spawnedAtEpoch,
      completedAtKill: atKill.completed,
      stepsCommittedAtKill: atKill.committed.size,
      lost: WORKFLOWS - Number(done.message.completed),
      ranMoreThanOnce: counts.ranMoreThanOnce,
      rerunCommitted: counts.rerunCommitted,
      rerunUncommitted: counts.rerunUncommitted,
      repeatedWithinGeneration: counts.repeatedWithinGeneration,
    };
  },
};
