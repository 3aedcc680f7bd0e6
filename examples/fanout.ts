/**
 * Fans out activities in parallel and sums their results.
 *
 * @module
 */

import { activity, type DefinedWorkflow, defineWorkflow } from "../engine/mod.ts";

/** Scores one item (a stand-in for a call to a model or a service). */
export const scoreItem = activity(
  { name: "score_item", retryCount: 2, timeoutSeconds: 10 },
  async (item: number): Promise<number> => {
    await new Promise((r) => setTimeout(r, 5 + (item % 7) * 3));
    return item * item;
  },
);

/** Sums numbers. */
export const sum = activity(
  { name: "sum" },
  (values: number[]) => values.reduce((a, b) => a + b, 0),
);

/** Input of {@linkcode FanOutWorkflow}. */
export interface FanOutInput {
  /** Items to score. */
  count: number;
}

/** State (and result) of {@linkcode FanOutWorkflow}. */
export interface FanOutState {
  /** Each item's score. */
  scores: number[];
  /** Their sum. */
  total: number;
}

/** Scores `count` items in parallel, then sums the scores. */
export const FanOutWorkflow: DefinedWorkflow<FanOutInput, FanOutState> = defineWorkflow<
  FanOutInput,
  FanOutState
>({
  name: "FanOutSum",
  description: "Score items in parallel and sum them",
  steps: [
    async function fanOut(ctx) {
      const items = Array.from({ length: ctx.input.count }, (_, i) => i + 1);
      const scores = await Promise.all(items.map((i) => ctx.activity(scoreItem, i)));
      await ctx.state.set("scores", scores);
    },
    async function total(ctx) {
      const total = await ctx.activity(sum, ctx.state.get("scores", []));
      await ctx.state.set("total", total);
      ctx.logger.info(`Sum of ${ctx.input.count} scores: ${total}`);
    },
  ],
});
