import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../engine/errors.ts";
import { checkWorkflowId, MAX_WORKFLOW_ID_LENGTH } from "../../engine/workflow_id.ts";

Deno.test("checkWorkflowId() takes 1 to 512 characters and names the rule otherwise", () => {
  assert.equal(checkWorkflowId("a"), "a");
  assert.equal(checkWorkflowId("x".repeat(MAX_WORKFLOW_ID_LENGTH)).length, 512);
  for (const bad of ["", "x".repeat(513), 5, null]) {
    assert.throws(
      () => checkWorkflowId(bad),
      (e: unknown) => e instanceof InvalidArgumentError && /1 to 512 characters/.test(e.message),
    );
  }
});
