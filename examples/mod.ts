/**
 * The example workflows, and a runner that starts one of each.
 *
 * @module
 */

import type { WorkflowClient, WorkflowHandle } from "../engine/mod.ts";
import { ApprovalWorkflow } from "./approval.ts";
import { AssessmentWorkflow } from "./assessment.ts";
import { FanOutWorkflow } from "./fanout.ts";
import { OrderWorkflow } from "./order.ts";

export {
  type ApprovalInput,
  type ApprovalState,
  ApprovalWorkflow,
  type Decision,
} from "./approval.ts";
export { AssessmentWorkflow, type QuizInput, type QuizState } from "./assessment.ts";
export { type FanOutInput, type FanOutState, FanOutWorkflow } from "./fanout.ts";
export { type OrderInput, type OrderState, OrderWorkflow } from "./order.ts";

/** URL of this module, for `--module` (the same as `EXAMPLES_URL` of `./embed.ts`). */
export const EXAMPLES_MODULE: string = import.meta.url;
export { EXAMPLES_URL } from "./embed.ts";

/**
 * Starts one run of each example (ids are stable, so running twice reuses them). The approval
 * example then waits for an `approve` signal (`{ approved: boolean, by: string }`).
 *
 * @param client The engine (or a client).
 * @param suffix Appended to the ids (e.g. a date) to start fresh runs.
 * @returns The handles, by example.
 */
export async function startExamples(
  client: WorkflowClient,
  suffix = "",
): Promise<Record<string, WorkflowHandle<unknown>>> {
  const handles: Record<string, WorkflowHandle<unknown>> = {
    order: await client.start(OrderWorkflow, {
      orderId: "ORD-12345",
      customerEmail: "customer@example.com",
    }, { workflowId: `example-order${suffix}` }),
    assessment: await client.start(AssessmentWorkflow, { lessonId: "lesson_123" }, {
      workflowId: `example-assessment${suffix}`,
    }),
    approval: await client.start(
      ApprovalWorkflow,
      { request: "Refund ORD-12345", timeout: "30s" },
      {
        workflowId: `example-approval${suffix}`,
      },
    ),
    fanout: await client.start(FanOutWorkflow, { count: 10 }, {
      workflowId: `example-fanout${suffix}`,
    }),
  };
  return handles;
}
