import assert from "node:assert/strict";
import { median, percentile, summarize } from "../../bench/stats.ts";

Deno.test("median() takes the middle value, or the mean of the two middle ones", () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
});

Deno.test("percentile() interpolates between closest ranks and does not reorder its input", () => {
  const values = Array.from({ length: 200 }, (_, i) => 200 - i); // 200 … 1
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile(values, 100), 200);
  assert.equal(percentile(values, 50), 100.5);
  // rank 0.99 × 199 = 197.01: between the 198th (198) and 199th (199) smallest
  assert.ok(Math.abs(percentile(values, 99) - 198.01) < 1e-9);
  assert.equal(values[0], 200);
});

Deno.test("percentile() refuses no values and percentiles outside 0-100", () => {
  assert.throws(() => percentile([], 50), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], -1), RangeError);
  assert.throws(() => percentile([1], NaN), RangeError);
});

Deno.test("summarize() gives median, min, max and keeps the rounds in order", () => {
  assert.deepEqual(summarize([3, 9, 1, 4]), { median: 3.5, min: 1, max: 9, values: [3, 9, 1, 4] });
  assert.throws(() => summarize([]), RangeError);
});
