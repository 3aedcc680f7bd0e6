import assert from "node:assert/strict";
import { createEngine } from "../../engine/mod.ts";
import { keys, wipeRecords } from "../../store/mod.ts";
import { LargeFlow, SeqFlow } from "../fixtures/flows.ts";

Deno.test("wipeRecords() deletes every record but the schema version and the owner keys", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const engine = await createEngine({ kv });
    await (await engine.start(SeqFlow, { n: 3 })).result();
    await engine.close();
    const before = await Array.fromAsync(kv.list({ prefix: [] }));
    assert.ok(before.length > 10);
    const deleted = await wipeRecords(kv);
    const after = (await Array.fromAsync(kv.list({ prefix: [] }))).map((e) => e.key[0]);
    assert.deepEqual([...new Set(after)].sort(), ["meta", "owner_epoch"]);
    assert.equal(after.filter((k) => k === "owner_epoch").length, 16, "one epoch per partition");
    assert.equal(deleted, before.length - after.length);
  } finally {
    kv.close();
  }
});

Deno.test("wipeRecords() removes the chunks of large values and the pending-blob keys", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const engine = await createEngine({ kv });
    await (await engine.start(LargeFlow, { blob: "b".repeat(70_000), size: 900_000 })).result();
    await engine.close();
    await kv.set(keys.pendingBlob("gone", "1.1"), { chunks: 1 });
    assert.ok((await Array.fromAsync(kv.list({ prefix: ["blob"] }))).length > 15);
    await wipeRecords(kv);
    assert.deepEqual(await Array.fromAsync(kv.list({ prefix: ["blob"] })), []);
    assert.deepEqual(await Array.fromAsync(kv.list({ prefix: keys.pendingBlobPrefix() })), []);
  } finally {
    kv.close();
  }
});
