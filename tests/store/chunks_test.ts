import assert from "node:assert/strict";
import {
  CHUNK_BYTES,
  decodeValue,
  encodeText,
  encodeValue,
  isStoredValue,
  valueSize,
} from "../../store/chunks.ts";
import { DamagedData } from "../../store/damaged_data.ts";
import { keys } from "../../store/keys.ts";

const ids = () => {
  let n = 0;
  return () => `3.${++n}`;
};

Deno.test("encodeValue() keeps small values inline and chunks large ones under a write id, readable back", async () => {
  await using kv = await Deno.openKv(":memory:");
  const next = ids();
  assert.deepEqual(encodeValue({ a: 1 }, "r", next), { stored: { v: { a: 1 } } });
  const big = { text: "x".repeat(CHUNK_BYTES * 2 + 10) };
  const enc = encodeValue(big, "r", next);
  assert.equal(enc.blob?.writeId, "3.1", "a write id is taken only for a chunked value");
  assert.equal(enc.blob?.chunks.length, 3);
  assert.deepEqual(
    enc.blob?.chunks.map(([k]) => k),
    [0, 1, 2].map((i) => keys.blob("r", "3.1", i)),
  );
  for (const [key, bytes] of enc.blob!.chunks) await kv.set(key, bytes);
  assert.deepEqual(await decodeValue(kv, "r", enc.stored), big);
});

Deno.test("decodeValue() reads exactly the chunks its reference names, whatever else shares the run's prefix", async () => {
  await using kv = await Deno.openKv(":memory:");
  // An orphaned write of 4 chunks (its record never landed), then the write that landed, with 2.
  const orphan = encodeText(JSON.stringify("o".repeat(CHUNK_BYTES * 3 + 1)), "r", "1.7");
  const landed = encodeText(JSON.stringify("k".repeat(CHUNK_BYTES + 1)), "r", "2.1");
  for (const [key, bytes] of [...orphan.blob!.chunks, ...landed.blob!.chunks]) {
    await kv.set(key, bytes);
  }
  assert.equal(await decodeValue(kv, "r", landed.stored), "k".repeat(CHUNK_BYTES + 1));
});

Deno.test("decodeValue() names the run, the part and the problem when the chunks do not add up", async () => {
  await using kv = await Deno.openKv(":memory:");
  const enc = encodeText(JSON.stringify("x".repeat(CHUNK_BYTES * 2)), "r", "1.1");
  for (const [key, bytes] of enc.blob!.chunks) await kv.set(key, bytes);
  await kv.delete(keys.blob("r", "1.1", 1));
  await assert.rejects(
    decodeValue(kv, "r", enc.stored, "history entry 4"),
    (e: unknown) =>
      e instanceof DamagedData && e.workflowId === "r" && e.part === "history entry 4" &&
      /chunk 1 of 3 is missing/.test(e.message) && /workflow "r"/.test(e.message),
  );
  await kv.set(keys.blob("r", "1.1", 1), new Uint8Array(10));
  await assert.rejects(decodeValue(kv, "r", enc.stored), /hold \d+ of the \d+ bytes/);
  await assert.rejects(
    decodeValue(kv, "r", { blob: 3 } as never, "input"),
    /input: its reference is malformed/,
  );
});

Deno.test("isStoredValue() accepts the two shapes of a reference only", () => {
  assert.ok(isStoredValue({ v: null }));
  assert.ok(isStoredValue({ blob: "1.2", chunks: 2, bytes: 100_000 }));
  assert.ok(!isStoredValue({ blob: "1.2", chunks: -1, bytes: 1 }));
  assert.ok(!isStoredValue("x"));
  assert.ok(!isStoredValue(null));
});

Deno.test("valueSize() errs high for wide characters", () => {
  assert.ok(valueSize("€".repeat(100)) >= 200, "two bytes a character above U+00FF");
  assert.ok(valueSize("a".repeat(100)) >= 100);
});
