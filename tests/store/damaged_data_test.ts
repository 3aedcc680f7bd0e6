import assert from "node:assert/strict";
import { DamagedData } from "../../store/damaged_data.ts";

Deno.test("DamagedData names the run, the part and the problem", () => {
  const e = new DamagedData("order-1", "history entry 4", "chunk 2 of 3 is missing");
  assert.equal(e.name, "DamagedData");
  assert.equal(
    e.message,
    'Stored data of workflow "order-1" is unreadable: history entry 4: chunk 2 of 3 is missing',
  );
  assert.deepEqual([e.workflowId, e.part, e.problem], [
    "order-1",
    "history entry 4",
    "chunk 2 of 3 is missing",
  ]);
});
