/**
 * The workflows and activities the bench runs. A "step" is one durable activity call whose body
 * returns its input + 1; each workflow has a single `@step` method that makes those calls
 * (BENCH.md). Only definitions live here, so an engine with Web Workers can import the module.
 *
 * @module
 */

import { activity, activityContext, step, Workflow, workflow } from "../engine/mod.ts";
import type { WorkflowContext } from "../engine/mod.ts";

/** The step body of every workload: returns its input + 1. */
export const addOne = activity({ name: "bench_add_one" }, (n: number) => n + 1);

/** Sums numbers: the final step of W4. */
export const sum = activity({ name: "bench_sum" }, (xs: number[]) => xs.reduce((a, b) => a + b, 0));

/**
 * Returns its input + 1 after appending `<workflowId> <seq> <attempt> <Date.now()>` to a trace
 * file, so that W6 can count executions across a crash (a plain append, which survives SIGKILL of
 * the process).
 */
export const addOneTraced = activity(
  { name: "bench_add_one_traced" },
  (n: number, tracePath: string) => {
    const { activityId, attempt } = activityContext();
    const [workflowId, seq] = splitActivityId(activityId);
    Deno.writeTextFileSync(tracePath, `${workflowId} ${seq} ${attempt} ${Date.now()}\n`, {
      append: true,
    });
    return n + 1;
  },
);

/**
 * Splits an activity id (`<workflowId>:<seq>`) into its parts.
 *
 * @param activityId The id.
 * @returns The workflow id and the sequence number.
 */
export function splitActivityId(activityId: string): [string, number] {
  const at = activityId.lastIndexOf(":");
  return [activityId.slice(0, at), Number(activityId.slice(at + 1))];
}

/** Input of {@linkcode SeqBench}. */
export interface SeqInput {
  /** Sequential steps to run. */
  steps: number;
}

/** Final state of the workloads: the last step's result. */
export interface BenchState {
  /** The value after the last step. */
  total: number;
}

/** W1, W2, W7: `steps` sequential steps. */
@workflow({ name: "bench_seq", description: "N sequential steps" })
export class SeqBench extends Workflow<SeqInput, BenchState> {
  /** Runs the steps. */
  @step()
  async run(ctx: WorkflowContext<SeqInput, BenchState>): Promise<void> {
    let x = 0;
    for (let i = 0; i < ctx.input.steps; i++) x = await ctx.activity(addOne, x);
    await ctx.state.set("total", x);
  }
}

/** Input of {@linkcode TracedSeqBench}. */
export interface TracedSeqInput extends SeqInput {
  /** Trace file the step bodies append to. */
  trace: string;
}

/** W6: W1's workflow whose step bodies also append to a trace file. */
@workflow({ name: "bench_seq_traced", description: "N sequential traced steps" })
export class TracedSeqBench extends Workflow<TracedSeqInput, BenchState> {
  /** Runs the steps. */
  @step()
  async run(ctx: WorkflowContext<TracedSeqInput, BenchState>): Promise<void> {
    let x = 0;
    for (let i = 0; i < ctx.input.steps; i++) {
      x = await ctx.activity(addOneTraced, x, ctx.input.trace);
    }
    await ctx.state.set("total", x);
  }
}

/** Input of {@linkcode SleepBench}. */
export interface SleepInput {
  /** Durable sleep, in ms. */
  ms: number;
}

/** W3: a durable sleep, then one step. */
@workflow({ name: "bench_sleep", description: "sleep, then one step" })
export class SleepBench extends Workflow<SleepInput, BenchState> {
  /** Sleeps, then steps. */
  @step()
  async run(ctx: WorkflowContext<SleepInput, BenchState>): Promise<void> {
    await ctx.sleep(ctx.input.ms);
    await ctx.state.set("total", await ctx.activity(addOne, 0));
  }
}

/** Input of {@linkcode FanOutBench}. */
export interface FanOutInput {
  /** Steps run in parallel. */
  width: number;
}

/** W4: `width` steps in parallel, then one step summing them. */
@workflow({ name: "bench_fan_out", description: "parallel steps, then a sum" })
export class FanOutBench extends Workflow<FanOutInput, BenchState> {
  /** Fans out, then sums. */
  @step()
  async run(ctx: WorkflowContext<FanOutInput, BenchState>): Promise<void> {
    const parts = await Promise.all(
      Array.from({ length: ctx.input.width }, (_, i) => ctx.activity(addOne, i)),
    );
    await ctx.state.set("total", await ctx.activity(sum, parts));
  }
}

/** The signal W5 sends. */
export const GO_SIGNAL = "go";

/** W5: waits for the `go` signal. */
@workflow({ name: "bench_wait", description: "wait for a signal" })
export class WaitBench extends Workflow<null, { got: number }> {
  /** Waits. */
  @step()
  async run(ctx: WorkflowContext<null, { got: number }>): Promise<void> {
    await ctx.state.set("got", await ctx.waitForSignal<number>(GO_SIGNAL));
  }
}

/** Input of {@linkcode DashBench}. */
export interface DashInput {
  /** Activity calls before the end. */
  calls: number;
  /** Throw at the end of the step (the run fails). */
  fail?: boolean;
  /** Wait for the `go` signal first (the run stays running). */
  wait?: boolean;
}

/** W9: a run of the dashboard's store: activity calls, two state keys and a log line. */
@workflow({ name: "bench_dash", description: "calls, state and a log line" })
export class DashBench extends Workflow<DashInput, { total: number; calls: number }> {
  /** Makes the calls. */
  @step()
  async run(ctx: WorkflowContext<DashInput, { total: number; calls: number }>): Promise<void> {
    if (ctx.input.wait) await ctx.waitForSignal(GO_SIGNAL);
    let x = 0;
    for (let i = 0; i < ctx.input.calls; i++) x = await ctx.activity(addOne, x);
    await ctx.state.set("total", x);
    await ctx.state.set("calls", ctx.input.calls);
    ctx.logger.info(`made ${ctx.input.calls} calls`);
    if (ctx.input.fail) throw new Error(`failed on purpose after ${x} calls`);
  }
}

/** Input of {@linkcode StreamBench}. */
export interface StreamInput {
  /** Values written, one per step. */
  values: number;
}

/** W11: waits for the `go` signal, then writes a value to the stream `s` and runs a step, `values` times. */
@workflow({ name: "bench_stream", description: "a stream value per step" })
export class StreamBench extends Workflow<StreamInput, BenchState> {
  /** Writes and steps. */
  @step()
  async run(ctx: WorkflowContext<StreamInput, BenchState>): Promise<void> {
    await ctx.waitForSignal(GO_SIGNAL);
    let x = 0;
    for (let i = 0; i < ctx.input.values; i++) {
      await ctx.stream("s").write(i);
      x = await ctx.activity(addOne, x);
    }
    await ctx.state.set("total", x);
  }
}
