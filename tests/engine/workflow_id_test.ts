import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../engine/errors.ts";
import {
  checkWorkflowId,
  MAX_WORKFLOW_ID_LENGTH,
  workflowIdProblem,
} from "../../engine/workflow_id.ts";

Deno.test("checkWorkflowId() keeps ids of 1 to 512 code units of well-formed Unicode", () => {
  for (const ok of ["a", "order-1", "x".repeat(MAX_WORKFLOW_ID_LENGTH), "é😀/…", "a.b", "..."]) {
    assert.equal(checkWorkflowId(ok), ok);
  }
});

Deno.test("checkWorkflowId() names the broken part of the rule", () => {
  const cases: [unknown, RegExp][] = [
    ["", /empty/],
    ["x".repeat(513), /513 UTF-16 code units/],
    [5, /not a string/],
    ["a\ud800b", /lone surrogate/],
    ["\udc00", /lone surrogate/],
    ["tab\there", /control character/],
    ["nul\u0000", /control character/],
    [".", /path segment/],
    ["..", /path segment/],
  ];
  for (const [bad, why] of cases) {
    assert.match(workflowIdProblem(bad) ?? "", why, String(bad));
    assert.throws(
      () => checkWorkflowId(bad),
      (e: unknown) => e instanceof InvalidArgumentError && why.test(e.message),
    );
  }
});
