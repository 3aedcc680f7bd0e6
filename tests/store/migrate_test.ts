import assert from "node:assert/strict";
import * as loom from "../../engine/mod.ts";
import {
  acquireLease,
  epochOf,
  keys,
  releaseLease,
  renewLease,
  SCHEMA_VERSION,
  SchemaMismatch,
} from "../../store/mod.ts";
import { ensureSchema } from "../../store/schema.ts";
import {
  digestOf,
  fixtureFlow,
  type LoomModule,
  RUNNING_RUN,
} from "../fixtures/schema_v1/flows.ts";
import { tempDir } from "../_helpers.ts";
import { loom as cli } from "../cli/_cli.ts";

const FIXTURE = new URL("../fixtures/schema_v1/loom_v1.kv", import.meta.url).pathname;
const EXPECTED = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/schema_v1/expected.json", import.meta.url)),
) as { orphanedEntry: string; runs: Record<string, { status: string; digest: string }> };

const flow = fixtureFlow(loom as unknown as LoomModule) as loom.WorkflowDefinition;

/** A copy of the fixture written by schema 1, in a temp folder. */
async function copyOfFixture(dir: string): Promise<string> {
  const path = `${dir}/loom.kv`;
  await Deno.copyFile(FIXTURE, path);
  return path;
}

async function digests(reader: loom.LoomReader): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of Object.keys(EXPECTED.runs)) {
    const r = await reader.run(id);
    assert.ok(r !== undefined, `${id} is there`);
    out[id] = await digestOf({
      status: r.status,
      name: r.name,
      version: r.version,
      input: await reader.input(r),
      result: await reader.result(r),
      events: await reader.eventsOf(id),
    });
  }
  return out;
}

const expectedDigests = () =>
  Object.fromEntries(Object.entries(EXPECTED.runs).map(([id, r]) => [id, r.digest]));

async function blobKeys(kv: Deno.Kv): Promise<Deno.KvKey[]> {
  return (await Array.fromAsync(kv.list({ prefix: ["blob"] }))).map((e) => e.key);
}

Deno.test("a schema 1 file is migrated on open: every run reads back as schema 1 read it, with chunks under write ids", async () => {
  await using dir = await tempDir();
  const kvPath = await copyOfFixture(dir.path);
  {
    await using kv = await Deno.openKv(kvPath);
    assert.equal((await kv.get(keys.schemaVersion())).value, 1, "the fixture is schema 1");
    const legacy = await blobKeys(kv);
    assert.ok(legacy.some((k) => k[2] === EXPECTED.orphanedEntry), "it has chunks by name");
    const report = await ensureSchema(kv, kvPath);
    assert.equal(report?.runs, 4, "the four runs with chunks");
    assert.ok((report?.values ?? 0) >= 8);
    assert.deepEqual(report?.damaged, []);
    assert.equal((await kv.get(keys.schemaVersion())).value, SCHEMA_VERSION);
    const now = await blobKeys(kv);
    assert.ok(now.length > 0);
    for (const k of now) assert.ok(epochOf(k[2] as string) !== undefined, `${k} is a write id`);
    assert.deepEqual(await Array.fromAsync(kv.list({ prefix: keys.pendingBlobPrefix() })), []);
    assert.equal(await ensureSchema(kv, kvPath), undefined, "nothing to do the second time");
  }
  {
    await using kv = await Deno.openKv(kvPath);
    const reader = new loom.LoomReader(kv, kvPath);
    // v1-orphaned was unreadable in schema 1 (chunks of an orphaned write shared its prefix):
    // read by index, as the migration does, it is back as it was written.
    assert.deepEqual(await digests(reader), expectedDigests());
  }
});

Deno.test("after the migration a running run of schema 1 continues under this engine", async () => {
  await using dir = await tempDir();
  const kvPath = await copyOfFixture(dir.path);
  const errors: Error[] = [];
  const engine = await loom.createEngine({ kvPath, workers: 0, onError: (e) => errors.push(e) });
  try {
    assert.deepEqual(await digests(engine.reader), expectedDigests());
    const handle = engine.getHandle<{ produced: string; signal: unknown; done: boolean }>(
      RUNNING_RUN,
    );
    assert.equal(await handle.status(), "RUNNING");
    await handle.signal("go", { by: "the test" });
    const result = await handle.result();
    assert.equal(result.produced, "r".repeat(65_000));
    assert.deepEqual(result.signal, { by: "the test" });
    assert.equal(result.done, true);
    // A new run with large values on the migrated file.
    const fresh = await engine.start(flow, {
      pad: "p".repeat(70_000),
      resultBytes: 200_000,
      wait: false,
    });
    assert.equal((await fresh.result() as { produced: string }).produced.length, 200_000);
    assert.deepEqual(errors, []);
  } finally {
    await engine.close();
  }
});

Deno.test("a migration cut short runs again from where it stopped", async () => {
  await using dir = await tempDir();
  const kvPath = await copyOfFixture(dir.path);
  await using kv = await Deno.openKv(kvPath);
  await ensureSchema(kv, kvPath);
  // As if the version had not been written: the moved values stay, nothing is moved twice.
  await kv.set(keys.schemaVersion(), 1);
  const again = await ensureSchema(kv, kvPath);
  assert.equal(again?.values, 0);
  assert.equal((await kv.get(keys.schemaVersion())).value, SCHEMA_VERSION);
  assert.deepEqual(await digests(new loom.LoomReader(kv, kvPath)), expectedDigests());
});

Deno.test("a schema 1 file owned by a live process is not migrated, and says why", async () => {
  await using dir = await tempDir();
  const kvPath = await copyOfFixture(dir.path);
  await using kv = await Deno.openKv(kvPath);
  let held = await acquireLease(
    kv,
    { ownerId: "old", partition: 0, ttlMs: 1000, renewMs: 100 },
    kvPath,
  );
  const renewer = setInterval(async () => {
    held = await renewLease(kv, held, 1000, 0) ?? held;
  }, 100);
  try {
    await assert.rejects(
      ensureSchema(kv, kvPath),
      (e: unknown) =>
        e instanceof SchemaMismatch &&
        /schema version 1 and needs a migration to 3/.test(e.message) &&
        /owned by another live Loom process/.test(e.message),
    );
    assert.equal((await kv.get(keys.schemaVersion())).value, 1);
  } finally {
    clearInterval(renewer);
    await releaseLease(kv, held, 0);
  }
});

Deno.test("loom init migrates a schema 1 file and says its version", async () => {
  await using dir = await tempDir();
  const kvPath = await copyOfFixture(dir.path);
  const run = await cli(["init", "--kv", kvPath], { cwd: dir.path });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /already initialized .*\(schema version 3, 16 partitions\)/);
  await using kv = await Deno.openKv(kvPath);
  assert.equal((await kv.get(keys.schemaVersion())).value, 3);
  assert.ok((await blobKeys(kv)).every((k) => epochOf(k[2] as string) !== undefined));
});
