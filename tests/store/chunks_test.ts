import assert from "node:assert/strict";
import { CHUNK_BYTES, decodeValue, encodeValue, valueSize } from "../../store/chunks.ts";

Deno.test("encodeValue() keeps small values inline and chunks large ones, readable back", async () => {
  await using kv = await Deno.openKv(":memory:");
  assert.deepEqual(encodeValue({ a: 1 }, "r", "input"), { stored: { v: { a: 1 } }, chunks: [] });
  const big = { text: "x".repeat(CHUNK_BYTES * 2 + 10) };
  const enc = encodeValue(big, "r", "result");
  assert.equal(enc.chunks.length, 3);
  for (const [key, bytes] of enc.chunks) await kv.set(key, bytes);
  assert.deepEqual(await decodeValue(kv, "r", enc.stored), big);
});

Deno.test("valueSize() errs high for wide characters", () => {
  assert.ok(valueSize("€".repeat(100)) >= 200, "two bytes a character above U+00FF");
  assert.ok(valueSize("a".repeat(100)) >= 100);
});
