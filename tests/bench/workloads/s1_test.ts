import assert from "node:assert/strict";
import { lateness } from "../../../bench/workloads/s1.ts";

Deno.test("lateness() is each run's start on the schedule clock minus the fire time", () => {
  // The schedule clock is the real one plus 1,000 ms; the fire is at 5,000 on it.
  assert.deepEqual(lateness([4000, 4012, 4100], 1000, 5000), [0, 12, 100]);
});
