import assert from "node:assert/strict";
import { partitionRanges } from "../../engine/partition_ranges.ts";

Deno.test("partitionRanges() writes runs of partitions as ranges, single ones alone, none as none", () => {
  assert.equal(partitionRanges([0, 1, 2, 3, 8, 10, 11]), "0-3, 8, 10-11");
  assert.equal(partitionRanges([5]), "5");
  assert.equal(partitionRanges([]), "none");
  assert.equal(partitionRanges([0, 2, 4]), "0, 2, 4");
});
