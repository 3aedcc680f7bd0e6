/**
 * Records the golden histories: runs each example once on an in-memory engine and writes its
 * history to `tests/golden/<name>.json`. Run by hand (`deno run -A tests/golden/record.ts`) only
 * when a history change is intended; `golden_test.ts` checks that they still replay.
 *
 * @module
 */

import { createEngine } from "../../engine/mod.ts";
import {
  ApprovalWorkflow,
  AssessmentWorkflow,
  FanOutWorkflow,
  OrderWorkflow,
} from "../../examples/mod.ts";
import { writeGoldens } from "./_write.ts";

const engine = await createEngine({ kvPath: ":memory:" });
const runs = {
  order: await engine.start(OrderWorkflow, { orderId: "ORD-1", customerEmail: "a@b.c" }, {
    workflowId: "golden-order",
  }),
  approval: await engine.start(ApprovalWorkflow, { request: "Refund", timeout: "5s" }, {
    workflowId: "golden-approval",
  }),
  fanout: await engine.start(FanOutWorkflow, { count: 5 }, { workflowId: "golden-fanout" }),
  assessment: await engine.start(AssessmentWorkflow, { lessonId: "L1", waitSeconds: 0.05 }, {
    workflowId: "golden-assessment",
  }),
};
await new Promise((r) => setTimeout(r, 100));
await runs.approval.signal("approve", { approved: false, by: "golden" });
await writeGoldens(engine, runs);
await engine.close();
