import assert from "node:assert/strict";
import { msPerStepOver } from "../../../bench/workloads/w7.ts";

Deno.test("msPerStepOver() divides the time between two step completions by the steps", () => {
  const at = [10, 12, 14, 20, 30]; // completions of steps 1…5
  assert.equal(msPerStepOver(at, 1, 2), 2); // step 1 → step 3
  assert.equal(msPerStepOver(at, 3, 2), 8); // step 3 → step 5
  assert.throws(() => msPerStepOver(at, 4, 2), RangeError);
  assert.throws(() => msPerStepOver(at, 1, 0), RangeError);
});
