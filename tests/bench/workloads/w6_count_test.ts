import assert from "node:assert/strict";
import { countReruns, parseTrace } from "../../../bench/workloads/w6_count.ts";

Deno.test("parseTrace() assigns lines before the kill offset to the first owner", () => {
  const before = "wf-1 1 1 1000\nwf-1 2 1 1001\n";
  const after = "wf-1 2 1 2000\n";
  const runs = parseTrace(before + after, new TextEncoder().encode(before).length);
  assert.deepEqual(runs.map((r) => [r.workflowId, r.seq, r.attempt, r.at, r.generation]), [
    ["wf-1", 1, 1, 1000, 1],
    ["wf-1", 2, 1, 1001, 1],
    ["wf-1", 2, 1, 2000, 2],
  ]);
  assert.throws(() => parseTrace("garbage\n", 0), /Malformed trace line "garbage"/);
});

Deno.test("countReruns() tells re-runs of committed results from at-least-once re-runs", () => {
  const run = (workflowId: string, seq: number, generation: 1 | 2, attempt = 1) => ({
    workflowId,
    seq,
    attempt,
    at: 1,
    generation,
  });
  const counts = countReruns([
    run("a", 1, 1), // ran once
    run("a", 2, 1),
    run("a", 2, 2), // committed before the kill, ran again: a real duplicate
    run("b", 1, 1),
    run("b", 1, 2), // in flight at the kill, ran again: at-least-once
    run("c", 1, 2), // ran after the restart only
    run("d", 1, 1),
    run("d", 1, 1, 2), // twice in one process
  ], new Set(["a:1", "a:2"]));
  assert.deepEqual(counts, {
    executions: 8,
    steps: 5,
    ranMoreThanOnce: 3,
    rerunCommitted: 1,
    rerunUncommitted: 1,
    repeatedWithinGeneration: 1,
  });
});
