import assert from "node:assert/strict";
import { runInfo, runSummary } from "../../../engine/views/mod.ts";
import { record } from "./_record.ts";

Deno.test("runSummary() shows a record as list() does", () => {
  assert.deepEqual(runSummary(record({ status: "COMPLETED", completedAt: 3000 })), {
    workflowId: "o-1",
    name: "order",
    version: "2",
    status: "COMPLETED",
    createdAt: 1000,
    updatedAt: 2000,
  });
});

Deno.test("runInfo() shows a record with its input, end and error only when it has them", () => {
  const running = runInfo(record(), { n: 1 });
  assert.equal(
    JSON.stringify(running),
    JSON.stringify({
      workflowId: "o-1",
      name: "order",
      version: "2",
      description: "Takes an order",
      module: "file:///flows.ts",
      status: "RUNNING",
      input: { n: 1 },
      createdAt: 1000,
      updatedAt: 2000,
      eventCount: 7,
    }),
    "same fields in the same order",
  );
  const error = { code: "X", name: "Error", message: "boom" };
  const failed = runInfo(record({ status: "FAILED", completedAt: 3000, error }), null);
  assert.equal(failed.completedAt, 3000);
  assert.deepEqual(failed.error, error);
  assert.equal(failed.input, null);
});
