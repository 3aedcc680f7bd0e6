/**
 * Definitions for `workers_perf.ts`: W1 (three sequential steps), W2 (one workflow of many
 * sequential steps), W4 (parallel steps, then a sum).
 *
 * @module
 */

import { activity, defineWorkflow } from "../engine/mod.ts";

/** Adds one. */
export const inc = activity({ name: "perf_inc" }, (n: number) => n + 1);

/** W1: three steps, one activity each. */
export const ThreeSteps = defineWorkflow<{ n: number }, { n: number }>({
  name: "perf_three_steps",
  steps: [1, 2, 3].map((i) => ({
    name: `step${i}`,
    run: async (ctx) => {
      await ctx.state.set("n", await ctx.activity(inc, ctx.state.get("n", ctx.input.n)));
    },
  })),
});

/** W2: `steps` sequential activity calls. */
export const Sequential = defineWorkflow<{ steps: number }, { n: number }>({
  name: "perf_sequential",
  steps: [async function run(ctx) {
    let n = 0;
    for (let i = 0; i < ctx.input.steps; i++) n = await ctx.activity(inc, n);
    await ctx.state.set("n", n);
  }],
});

/** W4: `width` parallel activity calls, then their sum. */
export const FanOut = defineWorkflow<{ width: number }, { sum: number }>({
  name: "perf_fan_out",
  steps: [async function run(ctx) {
    const all = await Promise.all(
      Array.from({ length: ctx.input.width }, (_, i) => ctx.activity(inc, i)),
    );
    await ctx.state.set("sum", all.reduce((a, b) => a + b, 0));
  }],
});

/** Adds one after `ms` of busy CPU work (a CPU-bound activity). */
export const busyInc = activity({ name: "perf_busy_inc" }, (n: number, ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Busy on purpose.
  }
  return n + 1;
});

/** W1 with CPU-bound steps: three steps of `ms` busy milliseconds each. */
export const ThreeBusySteps = defineWorkflow<{ n: number; ms: number }, { n: number }>({
  name: "perf_three_busy_steps",
  steps: [1, 2, 3].map((i) => ({
    name: `step${i}`,
    run: async (ctx) => {
      const n = ctx.state.get("n", ctx.input.n);
      await ctx.state.set("n", await ctx.activity(busyInc, n, ctx.input.ms));
    },
  })),
});
