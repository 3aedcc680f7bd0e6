import assert from "node:assert/strict";
import { createEngine, LeaseLostError } from "../../../engine/mod.ts";
import { LeaseKeeper } from "../../../engine/runtime/owner/mod.ts";
import { createApp, engineBackend } from "../../../web/mod.ts";
import { tempDir } from "../../_helpers.ts";
import { SignalFlow } from "../../fixtures/flows.ts";

/** Takes partition 0's lease as another owner would after a takeover: a new epoch. */
async function takeLease(kv: Deno.Kv): Promise<void> {
  const lease = await kv.get<{ epoch: number }>(["owner", 0]);
  const epoch = (lease.value?.epoch ?? 0) + 1;
  const now = Date.now();
  await kv.atomic()
    .set(["owner", 0], {
      ownerId: "someone-else",
      pid: 1,
      host: "elsewhere",
      epoch,
      acquiredAt: now,
      expiresAt: now + 60_000,
    })
    .set(["owner_epoch", 0], { epoch, ownerId: "someone-else" })
    .commit();
}

Deno.test("LeaseKeeper: valid while renewed, not valid once renewals stop, waits for the next one", async () => {
  await using kv = await Deno.openKv(":memory:");
  const lost: Error[] = [];
  const keeper = await LeaseKeeper.start(kv, {
    ownerId: "me",
    partitionCount: 1,
    onTaken: () => Promise.resolve(),
    onGiveUp: () => Promise.resolve(),
    ttlMs: 300,
    renewMs: 50,
    where: ":memory:",
    onLost: (e: Error) => lost.push(e),
    onError: () => {},
  });
  try {
    assert.equal(keeper.valid(0), true);
    assert.equal(await keeper.whenHeld(0), true);
    // Block the event loop past the TTL minus the margin: no renewal can run meanwhile.
    const until = Date.now() + 320;
    while (Date.now() < until) { /* busy */ }
    assert.equal(keeper.valid(0), false, "not renewed within the TTL minus a margin");
    assert.equal(await keeper.whenHeld(0), true, "the next renewal makes it valid again");
    assert.equal(keeper.valid(0), true);
    await takeLease(kv);
    const waiting = new Promise<void>((r) => setTimeout(r, 400)).then(() => keeper.whenHeld(0));
    assert.equal(await waiting, false, "lost once another owner took it");
    assert.equal(lost.length, 1);
    assert.equal(keeper.holds(0), false);
  } finally {
    await keeper.release();
  }
});

Deno.test("an owner whose lease was taken over stops, says so, and reports not ready", async () => {
  await using dir = await tempDir();
  const kv = await Deno.openKv(`${dir.path}/loom.kv`);
  const errors: Error[] = [];
  try {
    await using engine = await createEngine({
      kv,
      leaseRenewMs: 25,
      leaseTtlMs: 300,
      onError: (e) => errors.push(e),
    });
    const app = createApp(engineBackend(engine));
    const ready = await app.request("/health/ready");
    assert.equal(ready.status, 200);
    const body = await ready.json();
    assert.equal(body.status, "ready");
    assert.deepEqual(body.partitions, Array.from({ length: 16 }, (_, p) => p));
    assert.equal(engine.health().ready, true);
    const handle = await engine.start(SignalFlow, {}, { workflowId: "w" });
    await takeLease(kv);
    const lost = await engine.lost;
    assert.ok(lost instanceof LeaseLostError);
    assert.equal(engine.health().ready, false);
    assert.match(engine.health().reason ?? "", /lost an owner lease/);
    const after = await app.request("/health/ready");
    assert.equal(after.status, 503);
    assert.match((await after.json()).reason, /lost an owner lease/);
    const detailed = await app.request("/health/detailed");
    assert.equal(detailed.status, 503);
    assert.equal((await detailed.json()).status, "unhealthy");
    assert.equal((await app.request("/health")).status, 200, "liveness stays up");
    await assert.rejects(handle.signal("go", 1), LeaseLostError);
    await assert.rejects(engine.start(SignalFlow, {}), LeaseLostError);
    assert.ok(errors.some((e) => e instanceof LeaseLostError));
  } finally {
    kv.close();
  }
});
