/**
 * Waits for a person's approval (a signal), with a timeout, then acts on the decision.
 *
 * @module
 */

import {
  activity,
  SignalTimeoutError,
  step,
  Workflow,
  workflow,
  type WorkflowContext,
} from "../engine/mod.ts";

/** Input of {@linkcode ApprovalWorkflow}. */
export interface ApprovalInput {
  /** What needs approval. */
  request: string;
  /** How long to wait for a decision. @default "30s" */
  timeout?: string;
}

/** The signal's data. */
export interface Decision {
  /** Approved or not. */
  approved: boolean;
  /** Who decided. */
  by: string;
}

/** State (and result) of {@linkcode ApprovalWorkflow}. */
export interface ApprovalState {
  /** `approved`, `rejected` or `expired`. */
  outcome: "approved" | "rejected" | "expired";
  /** Who decided. */
  decidedBy: string;
  /** What was done. */
  receipt: string;
}

/** Notifies the approvers (a stand-in for a chat message). */
export const askForApproval = activity(
  { name: "ask_for_approval" },
  (request: string) => `asked approvers about: ${request}`,
);
/** Carries out the decision. */
export const applyDecision = activity(
  { name: "apply_decision" },
  (request: string, outcome: string) => `${request}: ${outcome}`,
);

/** Asks for approval and waits for the `approve` signal. */
@workflow({ name: "ApprovalWorkflow", description: "Wait for an approval signal, with a timeout" })
export class ApprovalWorkflow extends Workflow<ApprovalInput, ApprovalState> {
  /** Asks, then waits. */
  @step()
  async request(ctx: WorkflowContext<ApprovalInput, ApprovalState>): Promise<void> {
    ctx.logger.info(await ctx.activity(askForApproval, ctx.input.request));
    try {
      const decision = await ctx.waitForSignal<Decision>("approve", {
        timeout: ctx.input.timeout ?? "30s",
      });
      await ctx.state.batch(async () => {
        await ctx.state.set("outcome", decision.approved ? "approved" : "rejected");
        await ctx.state.set("decidedBy", decision.by);
      });
    } catch (e) {
      if (!(e instanceof SignalTimeoutError)) throw e;
      ctx.logger.warning("No decision in time");
      await ctx.state.set("outcome", "expired");
    }
  }

  /** Acts on the decision. */
  @step()
  async apply(ctx: WorkflowContext<ApprovalInput, ApprovalState>): Promise<void> {
    const receipt = await ctx.activity(
      applyDecision,
      ctx.input.request,
      ctx.state.get("outcome", "expired"),
    );
    await ctx.state.set("receipt", receipt);
  }
}
