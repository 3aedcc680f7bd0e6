import assert from "node:assert/strict";
import { keys, KvStore, type Transition, type WorkflowRecord } from "../../store/mod.ts";
import { tempDir } from "../_helpers.ts";
import { fenceAll } from "./_fences.ts";

function transition(id: string, patch: Partial<Transition> = {}): Transition {
  const record: WorkflowRecord = {
    id,
    name: "flow",
    version: "1",
    description: "",
    module: "",
    status: "RUNNING",
    createdAt: 1000,
    updatedAt: 1000,
    entries: 1,
    events: 1,
    input: { v: null },
    partition: 0,
    tasks: [],
  };
  return {
    workflowId: id,
    record,
    created: true,
    input: { big: "x".repeat(900_000) },
    history: [{
      r: 0,
      kind: "activation",
      time: 1000,
      firstEventId: 1,
      events: [{ type: "WORKFLOW_STARTED", payload: {} }],
    }],
    finishedTasks: [],
    logs: [],
    timersSet: [],
    timersDelete: [],
    enqueue: [],
    ...patch,
  };
}

/** A store that holds every partition's lease, as an owner alone does. */
async function owner(kv: Deno.Kv, path: string): Promise<KvStore> {
  const store = new KvStore(kv, path);
  await fenceAll(store, path, { ttlMs: 1 });
  return store;
}

async function count(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  return (await Array.fromAsync(kv.list({ prefix }))).length;
}

Deno.test("chunks of a transition that never landed are removed by the next owner, and only those", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/loom.kv`;
  await using kv = await Deno.openKv(path);
  const first = await owner(kv, path);
  assert.deepEqual(await first.commit([transition("landed")]), [undefined]);
  first.onChunksWritten(() => {
    throw new Error("crash between the chunks and the transition");
  });
  await assert.rejects(first.commit([transition("lost")]), /crash between/);
  assert.equal(await count(kv, keys.pendingBlob("lost", "").slice(0, 2)), 1, "one pending write");
  assert.ok(await count(kv, keys.blobPrefix("lost")) >= 15, "its chunks are there");
  assert.equal(await first.removeOrphanedChunks(), 0, "not while its epoch may still write");

  await new Promise((r) => setTimeout(r, 5));
  const second = await owner(kv, path);
  assert.equal(await second.removeOrphanedChunks(), 1);
  assert.equal(await count(kv, keys.pendingBlobPrefix()), 0);
  assert.equal(await count(kv, keys.blobPrefix("lost")), 0, "the orphaned chunks are gone");
  const landed = await second.getWorkflow("landed");
  assert.ok(landed !== undefined && "blob" in landed.input);
  assert.deepEqual(await second.readValue("landed", landed.input), { big: "x".repeat(900_000) });
});

Deno.test("chunks of a refused transition are removed at once", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/loom.kv`;
  await using kv = await Deno.openKv(path);
  const store = await owner(kv, path);
  // A log entry over KV's value limit makes the transition's own operation fail.
  const refused = transition("refused", {
    logs: [{
      id: 1,
      workflowId: "refused",
      workflowName: "flow",
      level: "INFO",
      message: "m".repeat(70_000),
      createdAt: 1000,
    }],
  });
  const [error] = await store.commit([refused]);
  assert.match(String(error), /too large/);
  assert.equal(await store.getWorkflow("refused"), undefined);
  assert.equal(await count(kv, keys.blobPrefix("refused")), 0);
  assert.equal(await count(kv, keys.pendingBlobPrefix()), 0);
});

Deno.test("a write id is never handed out twice, across stores and epochs", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/loom.kv`;
  await using kv = await Deno.openKv(path);
  const seen = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const store = await owner(kv, path);
    await new Promise((r) => setTimeout(r, 3));
    for (let j = 0; j < 5; j++) {
      const ref = store.inputReference("r", { big: "y".repeat(5000) });
      assert.ok("blob" in ref);
      assert.ok(!seen.has(ref.blob), `${ref.blob} is new`);
      seen.add(ref.blob);
    }
  }
  const unfenced = [new KvStore(kv, path), new KvStore(kv, path)].map((s) =>
    s.inputReference("r", { big: "y".repeat(5000) })
  );
  assert.notDeepEqual(unfenced[0], unfenced[1], "stores without a lease start at random points");
});
