import assert from "node:assert/strict";
import { hashSeed, seededRandom, uuidFrom } from "../../../engine/replay/random.ts";

Deno.test("seededRandom() gives the same sequence for the same seed, in [0, 1)", () => {
  const a = seededRandom(hashSeed("run-1"));
  const b = seededRandom(hashSeed("run-1"));
  const c = seededRandom(hashSeed("run-2"));
  const xs = Array.from({ length: 100 }, () => a());
  assert.deepEqual(Array.from({ length: 100 }, () => b()), xs);
  assert.notDeepEqual(Array.from({ length: 100 }, () => c()), xs);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
});

Deno.test("uuidFrom() makes version-4 UUIDs from the sequence", () => {
  const id = uuidFrom(seededRandom(7));
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(uuidFrom(seededRandom(7)), id);
});
