import assert from "node:assert/strict";
import { createEngine } from "../../engine/mod.ts";
import { wipeRecords } from "../../store/mod.ts";
import { SeqFlow } from "../fixtures/flows.ts";

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
    assert.deepEqual(after.sort(), ["meta", "owner_epoch"]);
    assert.equal(deleted, before.length - 2);
  } finally {
    kv.close();
  }
});
