import assert from "node:assert/strict";
import { keys, keySize } from "../../store/keys.ts";

Deno.test("keySize() errs high: never below the key's encoded size", async () => {
  await using kv = await Deno.openKv(":memory:");
  const key = keys.history("x".repeat(600), 12);
  assert.ok(keySize(key) >= 600);
  // KV refuses keys over 2048 encoded bytes; an estimate under that limit must be writable.
  const long = keys.workflow("é".repeat(300));
  assert.ok(keySize(long) < 2048);
  await kv.set(long, 1);
});
