import assert from "node:assert/strict";
import { connectKv, createEngine, defaultRegistry } from "../../../engine/mod.ts";
import { Standby, type StandbyOptions } from "../../../web/deploy/mod.ts";
import { tempDir, until } from "../../_helpers.ts";
import { SeqFlow, SignalFlow } from "../../fixtures/flows.ts";

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
  assert.deepEqual(standby.partitions(), [0]);
  assert.deepEqual(roles, ["owner"]);
  const handle = await backend.client.start(SeqFlow, { n: 2 });
  assert.deepEqual(await handle.result(), { total: 2 });
  assert.equal((await backend.ready()).ready, true);
  assert.equal(await standby.settle(5000), true);
});

Deno.test("Standby: while another holds the lease it reads and forwards; it takes over once the lease is given up or lapses", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const other = await createEngine({ kvPath, pollIntervalMs: 20, ...LEASE });
  await using standby = await standbyOn(kvPath);
  await standby.tick();
  assert.equal(standby.backend.role, "reader");
  const waiting = await standby.backend.client.start(SignalFlow, {}, { workflowId: "w" });
  assert.equal(waiting.created, true);
  await until(
    async () =>
      (await standby.backend.reader.eventsOf("w")).some((e) => e.type === "SIGNAL_WAITING"),
    "the other owner to run the start",
  );
  await other.close();
  await standby.tick();
  assert.equal(standby.backend.role, "owner", "a lease given up is taken at the next tick");
  await standby.backend.client.getHandle("w").signal("go", 1);
  assert.deepEqual((await standby.backend.client.getHandle("w").result()).received, [1]);

  // A holder that died: its lease is taken once it lapses, not before.
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
  assert.equal(next.backend.role, "reader", "the dead holder's lease has not lapsed yet");
  await until(() => Date.now() > expiresAt, "the lapse");
  await next.tick();
  assert.equal(next.backend.role, "owner");
});

Deno.test("Standby: an owner that loses the lease to another isolate reads again", async () => {
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
  await standby.tick();
  assert.equal(standby.backend.role, "reader", "the other holder is alive");
  assert.equal((await standby.backend.reader.list()).items.length, 0);
});
