/**
 * Hostile workflow and activity code beside honest runs, with Workers (issue 10, findings 2–4,
 * 8 and 10): code that posts garbage and forged protocol answers to its Worker's ports, code that
 * exhausts its heap (in a workflow and in an activity), a workflow that spins, and workflows that
 * reach for what the sandbox refuses. The owner is SIGKILLed once while all that runs and
 * restarted, and must then finish everything: every honest run completes (the counts), and every
 * hostile run ends as it should (anything else fails the scenario, naming the runs).
 *
 * @module
 */

import type { HostileKind, HostileOwnerConfig, RunOutcome } from "../../fixtures/hostile_owner.ts";
import {
  account,
  type ChaosCounts,
  type ChaosSize,
  Owner,
  runIds,
  type Scenario,
  snapshot,
} from "../_harness.ts";

const SCRIPT = new URL("../../fixtures/hostile_owner.ts", import.meta.url).pathname;

const SANDBOX: HostileKind[] = [
  "sandbox:import",
  "sandbox:openKv",
  "sandbox:wasmCompile",
  "sandbox:wasmInstantiate",
  "sandbox:wasmModule",
  "sandbox:broadcast",
  "sandbox:worker",
  "sandbox:sharedArrayBuffer",
  "sandbox:atomicsWait",
];

/** How each kind of hostile run must end. */
function wrong(kind: string, outcome: RunOutcome | undefined): string | undefined {
  if (outcome === undefined) return "no outcome";
  const failed = (code: string, text: RegExp) =>
    outcome.status === "FAILED" && outcome.code === code && text.test(outcome.message ?? "")
      ? undefined
      : `${outcome.status} ${outcome.code ?? ""} ${outcome.message?.slice(0, 200) ?? ""}`;
  if (kind === "post") return outcome.status === "COMPLETED" ? undefined : outcome.status;
  if (kind === "heap") return failed("WORKER_CRASHED", /ran out of memory/);
  if (kind === "heapActivity") {
    const code = (outcome.state as { code?: string } | undefined)?.code;
    return outcome.status === "COMPLETED" && code === "WORKER_CRASHED"
      ? undefined
      : `${outcome.status} ${code}`;
  }
  if (kind === "spin") return failed("WORKFLOW_STUCK", /twice, in two Workers/);
  return outcome.status === "FAILED" && /Step "reach" was denied/.test(outcome.message ?? "")
    ? undefined
    : `${outcome.status} ${outcome.message?.slice(0, 200) ?? ""}`;
}

/** See the module doc. */
export const hostile: Scenario = {
  name: "hostile",
  description:
    "hostile code (port garbage, forged answers, heap exhaustion, a spin, sandbox escapes) beside honest runs, one SIGKILL",
  async run(dir: string, size: ChaosSize): Promise<ChaosCounts> {
    const trace = `${dir}/trace.txt`;
    const times = size === "ci" ? 1 : 3;
    const config: HostileOwnerConfig = {
      kvPath: `${dir}/loom.kv`,
      prefix: "",
      workers: 2,
      heapMb: 128,
      // Long enough for a Worker to exhaust its heap on a loaded machine (that is not a spin):
      // near its limit, V8 collects garbage over and over before it gives up.
      stuckAfterMs: size === "ci" ? 4000 : 10_000,
      honest: {
        count: size === "ci" ? 12 : 60,
        input: {
          trace,
          activities: 3,
          firstBytes: [1_000, 100_000],
          againBytes: 1_000,
          pad: "i".repeat(1_000),
        },
      },
      hostile: [
        { kind: "post", count: 2 * times },
        { kind: "heap", count: times },
        { kind: "heapActivity", count: times },
        { kind: "spin", count: times },
        ...SANDBOX.map((kind) => ({ kind, count: times })),
      ],
    };
    const honest = runIds("honest-", config.honest.count);
    const first = Owner.spawnScript(SCRIPT, config);
    await first.waitFor("READY", 60_000).catch(async (e) => {
      await first.kill();
      throw e;
    });
    // Let the hostile code get going (a heap crash, the spin), then kill the owner mid-way.
    await new Promise((r) => setTimeout(r, 1500));
    const doneEarly = first.output.includes("DONE");
    await first.kill();
    const kills = doneEarly ? [] : [await snapshot(config.kvPath, trace, honest)];
    const last = Owner.spawnScript(SCRIPT, config);
    await last.waitFor("DONE", size === "ci" ? 180_000 : 600_000).catch(async (e) => {
      await last.kill();
      throw e;
    });
    const code = await last.exit();
    const line = last.output.split("\n").find((l) => l.startsWith("RESULT ")) as string;
    if (code !== 0) throw new Error(`the last owner exited ${code}: ${last.errors.slice(-1000)}`);
    const outcomes = JSON.parse(line.slice("RESULT ".length)) as Record<string, RunOutcome>;
    const problems: string[] = [];
    for (const { kind, count } of config.hostile) {
      for (let i = 0; i < count; i++) {
        const id = `${kind}-${i}`;
        const problem = wrong(kind, outcomes[id]);
        if (problem !== undefined) problems.push(`${id}: ${problem}`);
      }
    }
    if (problems.length > 0) {
      throw new Error(`hostile runs that did not end as they should: ${problems.join("; ")}`);
    }
    const counts = await account(config.kvPath, trace, honest, kills);
    const hostileRuns = config.hostile.reduce((n, h) => n + h.count, 0);
    return { ...counts, runs: counts.runs + hostileRuns };
  },
};
