import assert from "node:assert/strict";
import * as loom from "../../engine/mod.ts";
import { keys, partitionOf, readPartitionCount, SCHEMA_VERSION } from "../../store/mod.ts";
import { ensureSchema } from "../../store/schema.ts";
import { digestOf, fixtureFlow, type LoomModule } from "../fixtures/schema_v1/flows.ts";
import { V2_CANCELLED, V2_FINISHED, V2_PENDING, V2_SIGNALLED } from "../fixtures/schema_v2/runs.ts";
import { tempDir } from "../_helpers.ts";

const FIXTURE = new URL("../fixtures/schema_v2/loom_v2.kv", import.meta.url).pathname;
const EXPECTED = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/schema_v2/expected.json", import.meta.url)),
) as { runs: Record<string, { status: string; digest: string }> };

// Registered here so that the engine of the test runs the fixture's workflow.
fixtureFlow(loom as unknown as LoomModule);

async function copyOfFixture(dir: string): Promise<string> {
  const path = `${dir}/loom.kv`;
  await Deno.copyFile(FIXTURE, path);
  return path;
}

async function digest(reader: loom.LoomReader, id: string): Promise<string> {
  const r = await reader.run(id);
  assert.ok(r !== undefined, `${id} is there`);
  return await digestOf({
    status: r.status,
    name: r.name,
    version: r.version,
    input: await reader.input(r),
    result: await reader.result(r),
    events: await reader.eventsOf(id),
  });
}

Deno.test("a schema 2 file gets 16 partitions on open, its queued requests and starts moved under their run's partition", async () => {
  await using dir = await tempDir();
  const kvPath = await copyOfFixture(dir.path);
  await using kv = await Deno.openKv(kvPath);
  assert.equal((await kv.get(keys.schemaVersion())).value, 2, "the fixture is schema 2");
  const oldKeys = async (prefix: Deno.KvKey) =>
    (await Array.fromAsync(kv.list({ prefix }))).filter((e) => e.key.length === 3).length;
  assert.equal(await oldKeys(keys.inboxPrefix()), 2, "a signal and a cancel queued");
  assert.equal(await oldKeys(keys.pendingPrefix()), 1, "a start queued");
  assert.equal((await kv.get(keys.partitions())).value, null, "schema 2 had no partitions");

  await ensureSchema(kv, kvPath);
  assert.equal((await kv.get(keys.schemaVersion())).value, SCHEMA_VERSION);
  assert.equal((await kv.get(keys.partitions())).value, 16);
  assert.equal(await readPartitionCount(kv), 16);
  assert.equal(await oldKeys(keys.inboxPrefix()), 0);
  assert.equal(await oldKeys(keys.pendingPrefix()), 0);
  const count = 16;
  const inbox = await Array.fromAsync(kv.list<{ workflowId: string }>({ prefix: ["inbox"] }));
  assert.equal(inbox.length, 2);
  for (const e of inbox) {
    assert.equal(e.key[1], partitionOf(e.value.workflowId, count), "under its partition");
  }
  const pending = await Array.fromAsync(kv.list({ prefix: ["pending"] }));
  assert.deepEqual(pending.map((e) => [e.key[1], e.key[3]]), [
    [partitionOf(V2_PENDING, count), V2_PENDING],
  ]);
  assert.equal(await ensureSchema(kv, kvPath), undefined, "nothing to do the second time");
});

Deno.test("after the migration from schema 2 an engine carries out what was queued, and finished runs read back as before", async () => {
  await using dir = await tempDir();
  const kvPath = await copyOfFixture(dir.path);
  const errors: Error[] = [];
  const engine = await loom.createEngine({ kvPath, workers: 0, onError: (e) => errors.push(e) });
  try {
    assert.equal(engine.health().partitionCount, 16);
    assert.equal(engine.health().partitions.length, 16);
    for (const run of V2_FINISHED) {
      assert.equal(await digest(engine.reader, run.id), EXPECTED.runs[run.id]?.digest, run.id);
    }
    const signalled = await engine.getHandle<{ signal: unknown; done: boolean }>(V2_SIGNALLED)
      .result();
    assert.deepEqual(signalled.signal, "queued in schema 2");
    assert.equal(signalled.done, true);
    await assert.rejects(engine.getHandle(V2_CANCELLED).result(), loom.WorkflowCancelledError);
    const started = await engine.getHandle<{ produced: string; done: boolean }>(V2_PENDING)
      .result();
    assert.equal(started.produced, "r".repeat(10));
    assert.deepEqual(errors, []);
  } finally {
    await engine.close();
  }
});
