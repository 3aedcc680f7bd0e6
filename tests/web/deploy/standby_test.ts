import assert from "node:assert/strict";
import { connectKv, createEngine, defaultRegistry } from "../../../engine/mod.ts";
import { Standby, type StandbyOptions } from "../../../web/deploy/mod.ts";
import { tempDir, until } from "../../_helpers.ts";
import { SeqFlow, SignalFlow } from "../../fixtures/flows.ts";

/** Every partition of a new database: an isolate alone holds them all. */
const ALL = Array.from({ length: 16 }, (_, p) => p);

const LEASE = { leaseTtlMs: 600, leaseRenewMs: 100 };

async function standbyOn(kvPath: string, roles: string[] = []): Promise<Standby> {
  const options: StandbyOptions = {
    client: await connectKv({ kvPath, pollIntervalMs: 10 }),
    openEngine: () => createEngine({ kvPath, pollIntervalMs: 20, ...LEASE }),
    registry: defaultRegistry,
    pollIntervalMs: 20,
    onRole: (role) => roles.push(role),
  };
  return new Standby(options);
}

Deno.test("Standby: on a free database its first tick takes the lease, and the backend switches in place", async () => {
  await using dir = await tempDir();
  const roles: string[] = [];
  await using standby = await standbyOn(`${dir.path}/loom.kv`, roles);
  const backend = standby.backend;
  const reader = backend.reader;
  assert.equal(backend.role, "reader");
  assert.deepEqual(standby.partitions(), []);
  await standby.tick();
  assert.equal(standby.backend, backend, "the same backend object");
  assert.equal(backend.reader, reader, "reads go through the same reader");
  assert.equal(backend.role, "owner");
  assert.equal(backend.client, standby.engine);
  assert.deepEqual(standby.partitions(), ALL);
  assert.deepEqual(roles, ["owner"]);
  const handle = await backend.client.start(SeqFlow, { n: 2 });
  assert.deepEqual(await handle.result(), { total: 2 });
  assert.equal((await backend.ready()).ready, true);
  assert.equal(await standby.settle(5000), true);
});

Deno.test("Standby: its first tick joins an owner already on the database: they share the partitions, and each reaches every run", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const other = await createEngine({ kvPath, pollIntervalMs: 20, ...LEASE });
  await using standby = await standbyOn(kvPath);
  assert.equal(standby.backend.role, "reader");
  await standby.tick();
  assert.equal(standby.backend.role, "owner");
  await until(
    () => standby.partitions().length === 8 && other.health().partitions.length === 8,
    "an even share",
  );
  const ids = Array.from({ length: 8 }, (_, i) => `w${i}`);
  for (const id of ids) {
    assert.equal(
      (await standby.backend.client.start(SignalFlow, {}, { workflowId: id })).created,
      true,
    );
  }
  for (const [i, id] of ids.entries()) {
    await (i % 2 === 0 ? other : standby.backend.client).getHandle(id).signal("go", i);
  }
  for (const [i, id] of ids.entries()) {
    assert.deepEqual((await standby.backend.client.getHandle(id).result()).received, [i]);
  }
  await other.close();
  await standby.tick();
  await until(() => standby.partitions().length === 16, "the partitions handed over");

  // A holder that died: its partition is taken once its lease lapses, not before.
  await standby.close();
  using kv = await Deno.openKv(kvPath);
  const expiresAt = Date.now() + 500;
  const epoch = ((await kv.get<{ epoch: number }>(["owner_epoch", 0])).value?.epoch ?? 0) + 1;
  await kv.set(["owner", 0], {
    ownerId: "dead",
    pid: 999999,
    host: "elsewhere",
    epoch,
    acquiredAt: Date.now(),
    expiresAt,
  });
  await kv.set(["owner_epoch", 0], { epoch, ownerId: "dead" });
  await using next = await standbyOn(kvPath);
  await next.tick();
  assert.equal(next.backend.role, "owner");
  await until(async () => {
    await next.tick();
    return next.partitions().includes(0);
  }, "partition 0 taken after the lapse");
  assert.ok(Date.now() >= expiresAt, "not before the dead holder's lease lapsed");
});

Deno.test("Standby: an owner that loses a lease to another isolate reads again, and joins again on its next tick", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const roles: string[] = [];
  await using standby = await standbyOn(kvPath, roles);
  await standby.tick();
  assert.equal(standby.backend.role, "owner");
  using kv = await Deno.openKv(kvPath);
  const lease = await kv.get<{ epoch: number }>(["owner", 0]);
  const epoch = (lease.value?.epoch ?? 0) + 1;
  await kv.atomic()
    .set(["owner", 0], {
      ownerId: "someone-else",
      pid: 1,
      host: "elsewhere",
      epoch,
      acquiredAt: Date.now(),
      expiresAt: Date.now() + 60_000,
    })
    .set(["owner_epoch", 0], { epoch, ownerId: "someone-else" })
    .commit();
  await until(() => standby.backend.role === "reader", "the switch back to reading");
  assert.deepEqual(roles, ["owner", "reader"]);
  assert.equal(standby.engine, undefined);
  // The next tick joins again, without the partition the other holder keeps alive.
  await standby.tick();
  assert.equal(standby.backend.role, "owner");
  assert.deepEqual(standby.partitions(), ALL.slice(1));
  assert.deepEqual(roles, ["owner", "reader", "owner"]);
});
