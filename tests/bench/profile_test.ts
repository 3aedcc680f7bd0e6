import assert from "node:assert/strict";
import { type CpuProfile, renderProfile, summarizeProfile } from "../../bench/profile.ts";

const frame = (functionName: string, url = "") => ({ functionName, url, lineNumber: 9 });

// (root) → outer (file:///x/a.ts) → inner (same file); (root) → (idle)
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame("(root)"), children: [2, 4] },
    { id: 2, callFrame: frame("outer", "file:///x/a.ts"), children: [3] },
    { id: 3, callFrame: frame("inner", "file:///x/a.ts") },
    { id: 4, callFrame: frame("(idle)") },
  ],
  samples: [3, 3, 2, 4, 3],
  timeDeltas: [0, 1000, 2000, 1000, 3000],
};

Deno.test("summarizeProfile() gives self and total time by function, and self time by file", () => {
  const s = summarizeProfile(PROFILE);
  assert.equal(s.totalMs, 7);
  assert.equal(s.idleMs, 3);
  assert.deepEqual(s.self.map((e) => [e.name, e.ms, e.share]), [
    ["inner /x/a.ts:10", 3, 0.75],
    ["outer /x/a.ts:10", 1, 0.25],
  ]);
  assert.deepEqual(s.total.map((e) => [e.name, e.ms]), [
    ["outer /x/a.ts:10", 4],
    ["inner /x/a.ts:10", 3],
  ]);
  assert.deepEqual(s.files.map((e) => [e.name, e.ms]), [["/x/a.ts", 4]]);
  assert.equal(summarizeProfile(PROFILE, 1).self.length, 1);
});

Deno.test("renderProfile() prints the busy time and the shares", () => {
  const text = renderProfile(summarizeProfile(PROFILE));
  assert.match(text, /sampled 7 ms, idle 3 ms, busy 4 ms/);
  assert.match(text, /3\.0 ms +75\.0 % +inner \/x\/a\.ts:10/);
});
