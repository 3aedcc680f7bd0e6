import assert from "node:assert/strict";
import {
  ActivityFailedError,
  serializeError,
  WorkflowCancelledError,
  WorkflowExecutionError,
} from "../../../engine/mod.ts";
import { isTerminal, outcomeError } from "../../../engine/views/mod.ts";
import { record } from "./_record.ts";

Deno.test("isTerminal() is true for COMPLETED, FAILED and CANCELLED only", () => {
  assert.deepEqual(
    ["RUNNING", "COMPLETED", "FAILED", "CANCELLED", "PENDING"].map(isTerminal),
    [false, true, true, true, false],
  );
});

Deno.test("outcomeError() of a cancelled run is WorkflowCancelledError with its reason", () => {
  const cancelled = record({
    status: "CANCELLED",
    error: serializeError(new WorkflowCancelledError("enough")) as never,
  });
  const e = outcomeError(cancelled);
  assert.ok(e instanceof WorkflowCancelledError);
  assert.equal(e.reason, "enough");
  assert.equal(
    (outcomeError(record({ status: "CANCELLED" })) as WorkflowCancelledError).reason,
    "cancelled",
  );
});

Deno.test("outcomeError() of a failed run wraps the cause, but an uncaught activity failure is itself", () => {
  const failed = outcomeError(
    record({ status: "FAILED", error: { name: "TypeError", message: "bad" } }),
  );
  assert.ok(failed instanceof WorkflowExecutionError);
  assert.equal(failed.message, 'Workflow "order" (id "o-1") failed: bad');
  assert.equal((failed.cause as Error).message, "bad");
  const activity = serializeError(new ActivityFailedError("charge", "declined"));
  assert.ok(
    outcomeError(record({ status: "FAILED", error: activity as never })) instanceof
      ActivityFailedError,
  );
  assert.match(outcomeError(record({ status: "FAILED" })).message, /unknown error/);
});
