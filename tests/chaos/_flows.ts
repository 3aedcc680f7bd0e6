/**
 * The workflow of the chaos scenarios: a large input, `activities` activities in a row whose
 * results are large (their history entries are chunked), a short durable sleep after the
 * first, and a final state that holds the last result (so the run's result is chunked too).
 * Each execution of an activity appends `<workflowId> <i> start` to the trace file, so that
 * executions can be counted across crashes; a re-execution returns a smaller result than the
 * first (the case that made a later write read an earlier one's chunks).
 *
 * @module
 */

import { activity, activityContext, defineWorkflow } from "../../engine/mod.ts";

/** The input of a chaos run. */
export interface ChaosInput {
  /** The trace file. */
  trace: string;
  /** Activities in a row. */
  activities: number;
  /** Result size of an activity's first execution, from … to … bytes. */
  firstBytes: [number, number];
  /** Result size of a re-execution, in bytes. */
  againBytes: number;
  /** Padding that makes the input large. */
  pad: string;
  /** How long each activity takes (ms), so that runs are in flight when an owner is stopped. */
  activityMs?: number;
}

/** The final state of a chaos run. */
export interface ChaosState {
  /** Result length of each activity, in order. */
  lengths: number[];
  /** The last activity's result. */
  last: string;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function executions(trace: string, line: string): number {
  let text = "";
  try {
    text = Deno.readTextFileSync(trace);
  } catch {
    // No trace yet.
  }
  return text.split("\n").filter((l) => l === line).length;
}

/** Returns a large string; how large depends on whether it ran before (see the module doc). */
export const bigResult = activity(
  { name: "chaos_big", timeoutSeconds: 60 },
  async (
    input: { trace: string; i: number; first: [number, number]; again: number; ms?: number },
  ) => {
    const { workflowId } = activityContext();
    const line = `${workflowId} ${input.i} start`;
    // Read and written synchronously, so the start line lands in the tick in which the engine
    // checked its lease and called the activity: a process paused (SIGSTOP) in an await here
    // would write it after it resumes, for an attempt that began before the pause, and the
    // scenario would count it as a re-run of what another owner committed meanwhile.
    const before = executions(input.trace, line);
    Deno.writeTextFileSync(input.trace, `${line}\n`, { append: true });
    // Which process ran it: several owners share the file in the "share" scenario.
    Deno.writeTextFileSync(`${input.trace}.by`, `${Deno.pid}\n`, { append: true });
    if (input.ms !== undefined) await new Promise((r) => setTimeout(r, input.ms));
    const [lo, hi] = input.first;
    const size = before === 0 ? lo + hash(line) % Math.max(1, hi - lo) : input.again;
    return String.fromCharCode(97 + input.i % 26).repeat(size);
  },
);

/** See the module doc. */
export const ChaosFlow = defineWorkflow<ChaosInput, ChaosState>({
  name: "chaos_flow",
  steps: [async function work(ctx) {
    const lengths: number[] = [];
    let last = "";
    for (let i = 0; i < ctx.input.activities; i++) {
      last = await ctx.activity(bigResult, {
        trace: ctx.input.trace,
        i,
        first: ctx.input.firstBytes,
        again: ctx.input.againBytes,
        ...(ctx.input.activityMs === undefined ? {} : { ms: ctx.input.activityMs }),
      });
      lengths.push(last.length);
      if (i === 0) await ctx.sleep(20);
    }
    await ctx.state.batch(async () => {
      await ctx.state.set("lengths", lengths);
      await ctx.state.set("last", last);
    });
  }],
});
