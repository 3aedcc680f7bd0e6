/**
 * W8: W1 with three owner processes on one KV file (each starts a third of the runs; runs are
 * spread over the file's partitions, and each process runs the partitions it holds), compared
 * with one process running all of W1 the same way, in the same round; then the three again,
 * with one SIGKILLed once every start was answered and 40 % of the runs completed: how long until the dead process's
 * partitions progress in another process, and whether any run was lost or completed twice.
 *
 * @module
 */

import { EventType, LoomReader, WorkflowStatus } from "../../engine/mod.ts";
import { ownerProcesses, partitionOf, runIdsWithStatus } from "../../store/mod.ts";
import { within } from "../env.ts";
import { Child } from "../subprocess.ts";
import { w8Ids } from "../w8_worker.ts";
import type { RoundEnv, Workload } from "../workload.ts";

const WORKFLOWS = 1000;
const STEPS = 3;
const WORKER = new URL("../w8_worker.ts", import.meta.url);

interface Phase {
  wallMs: number;
  p99Ms: number;
  killedToProgressMs?: number;
}

/** Completion times of every run, read from the store once they all ended. */
async function completions(
  kvPath: string,
  ids: string[],
): Promise<{ at: number[]; twice: number; lost: number }> {
  const kv = await Deno.openKv(kvPath);
  try {
    const reader = new LoomReader(kv, kvPath);
    const at: number[] = [];
    let twice = 0;
    let lost = 0;
    for (let i = 0; i < ids.length; i += 50) {
      const records = await reader.runs(ids.slice(i, i + 50));
      for (const r of records) {
        if (r === undefined || r.status !== WorkflowStatus.Completed) lost++;
        else at.push(r.updatedAt);
      }
      await Promise.all(
        ids.slice(i, i + 50).map(async (id) => {
          const events = await reader.eventsOf(id);
          if (events.filter((e) => e.type === EventType.WorkflowCompleted).length > 1) twice++;
        }),
      );
    }
    return { at, twice, lost };
  } finally {
    kv.close();
  }
}

async function allCompleted(kvPath: string, ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const kv = await Deno.openKv(kvPath);
  try {
    const reader = new LoomReader(kv, kvPath);
    while (Date.now() < deadline) {
      const counts = await reader.countByStatus([WorkflowStatus.Completed]);
      if ((counts[WorkflowStatus.Completed] ?? 0) >= ids.length) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    // What is left, and who holds its partitions.
    const left = (await reader.runs(ids)).filter((r) => r?.status !== WorkflowStatus.Completed)
      .slice(0, 5).map((r) => `${r?.id} ${r?.status} p${r?.partition}`);
    const owners = (await ownerProcesses(kv, 16)).map((o) => `${o.pid}: ${o.partitions}`);
    throw new Error(
      `W8: the runs did not all complete within ${timeoutMs} ms (${left.join(", ")}; owners ${
        owners.join("; ")
      })`,
    );
  } finally {
    kv.close();
  }
}

/**
 * The owner whose partitions hold the most unfinished runs now, and how many (the one to kill:
 * killing a process whose runs have all completed measures no takeover).
 */
async function busiest(kvPath: string, children: Child[]): Promise<[number, number]> {
  const kv = await Deno.openKv(kvPath);
  try {
    const held = new Map((await ownerProcesses(kv, 16)).map((o) => [o.pid, o.partitions]));
    const running = new Map<number, number>();
    for (const id of await runIdsWithStatus(kv, WorkflowStatus.Running)) {
      const p = partitionOf(id, 16);
      running.set(p, (running.get(p) ?? 0) + 1);
    }
    let best: [number, number] = [-1, 0];
    children.forEach((c, i) => {
      const n = (held.get(c.pid) ?? []).reduce((sum, p) => sum + (running.get(p) ?? 0), 0);
      if (n > best[1]) best = [i, n];
    });
    return best;
  } finally {
    kv.close();
  }
}

async function phase(
  env: RoundEnv,
  name: string,
  processes: number,
  kill: boolean,
): Promise<Phase & { lost: number; twice: number; restarts: number }> {
  const kvPath = `${env.dir}/${name}.kv`;
  const go = `${env.dir}/${name}.go`;
  const ids = w8Ids(WORKFLOWS);
  const args = (i: number) => [
    "--kv",
    kvPath,
    "--go",
    go,
    "--index",
    String(i),
    "--of",
    String(processes),
    "--count",
    String(WORKFLOWS),
    "--steps",
    String(STEPS),
  ];
  // The first creates the file; the others join it and take their shares.
  const children = [new Child(WORKER, args(0))];
  let restarts = 0;
  let supervise: ReturnType<typeof setInterval> | undefined;
  try {
    await children[0]!.waitFor((m) => m.event === "ready", 60_000, "W8's first owner");
    for (let i = 1; i < processes; i++) children.push(new Child(WORKER, args(i)));
    await Promise.all(
      children.map((c) => c.waitFor((m) => m.event === "ready", 60_000, "W8's owners")),
    );
    // Let the shares settle (a joiner takes its share within a renewal or two).
    await new Promise((r) => setTimeout(r, processes > 1 ? 1500 : 0));
    const began = Date.now();
    await Deno.writeTextFile(go, "");
    // A supervisor's part: an owner that stopped (a lease it lost under load: it exits) is
    // started again, as the README asks of a deployment; its share's starts are idempotent.
    let killedAt: number | undefined;
    let victimIndex = -1;
    supervise = setInterval(() => {
      children.forEach((c, i) => {
        if (!c.exited || (killedAt !== undefined && i === victimIndex)) return;
        restarts++;
        children[i] = new Child(WORKER, args(i));
      });
    }, 50);
    if (kill) {
      await within(
        (async () => {
          while (true) {
            const done = children.reduce((n, c) => n + c.lastCount("completed"), 0);
            // Every start acknowledged first: a start the victim never answered is not a run.
            const started = children.every((c) => c.messages("started").length > 0);
            if (started && done >= WORKFLOWS * 0.4) {
              // The one with the most runs still to do in its partitions.
              const [i, unfinished] = await busiest(kvPath, children);
              if (unfinished > 0) {
                victimIndex = i;
                return;
              }
            }
            await new Promise((r) => setTimeout(r, 2));
          }
        })(),
        120_000,
        "every start answered, 40 % of W8's runs completed, and an owner with runs to do",
      );
      const victim = children[victimIndex]!;
      killedAt = Date.now();
      victim.kill("SIGKILL");
      await victim.status;
    }
    await allCompleted(kvPath, ids, 180_000);
    const { at, twice, lost } = await completions(kvPath, ids);
    const sorted = at.map((t) => t - began).sort((a, b) => a - b);
    const out: Phase & { lost: number; twice: number; restarts: number } = {
      wallMs: sorted[sorted.length - 1] ?? 0,
      p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
      lost,
      twice,
      restarts,
    };
    if (killedAt !== undefined) {
      const progressed = children.filter((_, i) => i !== victimIndex).flatMap((c) =>
        c.messages("progressed")
      )
        .map((m) => Number(m.at)).filter((t) => t >= killedAt!);
      out.killedToProgressMs = progressed.length === 0 ? NaN : Math.min(...progressed) - killedAt;
    }
    return out;
  } finally {
    clearInterval(supervise);
    for (const c of children) {
      c.kill("SIGTERM");
      await c.status.catch(() => {});
    }
  }
}

/** W8. */
export const w8: Workload = {
  id: "W8",
  title: `W1 (${WORKFLOWS.toLocaleString("en")} × ${STEPS} steps) by 3 owner processes on one ` +
    "file vs 1, then the 3 with one SIGKILLed at 40 %",
  metrics: [
    { key: "oneWorkflowsPerSec", label: "1 process: workflows/s", unit: "wf/s", kind: "rate" },
    { key: "threeWorkflowsPerSec", label: "3 processes: workflows/s", unit: "wf/s", kind: "rate" },
    { key: "ratio", label: "3 processes ÷ 1 (target ≥ 0.7)", unit: "×", kind: "rate" },
    { key: "threeP99Ms", label: "3 processes: start → complete p99", unit: "ms", kind: "time" },
    {
      key: "takeoverMs",
      label: "SIGKILL → a dead process's partition progresses (target ≤ 2 s)",
      unit: "ms",
      kind: "time",
    },
    {
      key: "killedWallMs",
      label: "with the SIGKILL: wall, go → all completed",
      unit: "ms",
      kind: "time",
    },
    { key: "lost", label: "lost runs (must be 0)", unit: "runs", kind: "count" },
    { key: "twice", label: "runs completed twice (must be 0)", unit: "runs", kind: "count" },
    {
      key: "restarts",
      label: "owners restarted after they stopped (a lease lost under load)",
      unit: "processes",
      kind: "count",
    },
  ],
  skip: (flags) => flags.memory ? "W8 needs a KV file shared by processes" : undefined,
  note: () =>
    "W8 runs each owner as a subprocess (workers: 0) that starts its third of the runs by id; " +
    "the wall clock runs from the go file to the last completion as stored (updatedAt); the " +
    "takeover includes the dead process's 1 s lease lapsing.",
  async run(env) {
    const one = await phase(env, "one", 1, false);
    const three = await phase(env, "three", 3, false);
    const killed = await phase(env, "killed", 3, true);
    const rate = (p: Phase) => WORKFLOWS / (p.wallMs / 1000);
    return {
      oneWorkflowsPerSec: rate(one),
      threeWorkflowsPerSec: rate(three),
      ratio: rate(three) / rate(one),
      threeP99Ms: three.p99Ms,
      takeoverMs: killed.killedToProgressMs ?? NaN,
      killedWallMs: killed.wallMs,
      lost: one.lost + three.lost + killed.lost,
      twice: one.twice + three.twice + killed.twice,
      restarts: one.restarts + three.restarts + killed.restarts,
    };
  },
};
