import assert from "node:assert/strict";
import { keys } from "../../store/mod.ts";
import { blobDeletes, chunkWrites } from "../../store/blob_writes.ts";

Deno.test("chunkWrites() and blobDeletes() cover a value's chunks and its pending-blob key", () => {
  const blob = { writeId: "2.5", chunks: [[keys.blob("r", "2.5", 0), new Uint8Array(1)]] } as {
    writeId: string;
    chunks: [Deno.KvKey, Uint8Array][];
  };
  assert.equal(chunkWrites("r", [blob], false).length, 1);
  assert.equal(chunkWrites("r", [blob], true).length, 2);
  assert.deepEqual(
    blobDeletes("r", [{ writeId: "2.5", chunks: 2 }]).map((m) => m.kind === "delete" && m.key),
    [keys.pendingBlob("r", "2.5"), keys.blob("r", "2.5", 0), keys.blob("r", "2.5", 1)],
  );
});
