import assert from "node:assert/strict";
import { createEngine, LoomReader } from "../../../engine/mod.ts";
import { DEPLOY_DEFAULTS, type DeployConfig, DeployHandler } from "../../../web/deploy/mod.ts";
import { FLOWS_MODULE, queuelessKv, tempDir, until } from "../../_helpers.ts";
import { SleepFlow } from "../../fixtures/flows.ts";

/** Every partition of a new database: an isolate alone holds them all. */
const ALL = Array.from({ length: 16 }, (_, p) => p);

const LOCAL = { remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 50000 } };
const REMOTE = { remoteAddr: { transport: "tcp", hostname: "198.51.100.20", port: 50000 } };

function config(kvPath: string | undefined, patch: Partial<DeployConfig> = {}): DeployConfig {
  return {
    ...DEPLOY_DEFAULTS,
    kvPath,
    modules: [FLOWS_MODULE],
    token: undefined,
    pollIntervalMs: 20,
    tickIntervalMs: 50,
    leaseTtlMs: 600,
    leaseRenewMs: 100,
    ...patch,
  };
}

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

Deno.test("DeployHandler without a token: loopback callers get the API, a forged remote address gets 403", async () => {
  await using dir = await tempDir();
  const log: string[] = [];
  await using handler = new DeployHandler(config(`${dir.path}/loom.kv`), {
    log: (l) => log.push(l),
  });
  const local = await handler.fetch(new Request("http://127.0.0.1:1/api/workflows"), LOCAL);
  assert.equal(local.status, 200);
  await local.body?.cancel();
  const remote = await handler.fetch(new Request("http://loom.example/api/workflows"), REMOTE);
  assert.equal(remote.status, 403);
  const body = await remote.json();
  assert.equal(body.code, "FORBIDDEN");
  assert.match(body.message, /not "198\.51\.100\.20": set LOOM_TOKEN/);
  const health = await handler.fetch(new Request("http://loom.example/health"), REMOTE);
  assert.equal(health.status, 200);
  await health.body?.cancel();
  assert.deepEqual(await handler.status(), { role: "owner", partitions: ALL });
  assert.ok(log.some((l) => /this isolate owns .*loom\.kv now/.test(l)));
});

Deno.test("DeployHandler with a token: remote callers need it", async () => {
  await using dir = await tempDir();
  await using handler = new DeployHandler(config(`${dir.path}/loom.kv`, { token: "s3cret" }), {
    log: () => {},
  });
  const url = "http://loom.example/api/workflows";
  const without = await handler.fetch(new Request(url), REMOTE);
  assert.equal(without.status, 401);
  assert.equal((await without.json()).code, "UNAUTHORIZED");
  const wrong = await handler.fetch(
    new Request(url, { headers: { authorization: "Bearer nope" } }),
    REMOTE,
  );
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const right = await handler.fetch(
    new Request(url, { headers: { authorization: "Bearer s3cret" } }),
    REMOTE,
  );
  assert.equal(right.status, 200);
  await right.body?.cancel();
});

/**
 * Writes the leases of an owner that died holding every partition: taken by no one until they
 * lapse at `expiresAt`.
 */
async function deadOwner(kv: Deno.Kv, expiresAt: number): Promise<void> {
  for (const p of ALL) {
    const epoch = ((await kv.get<{ epoch: number }>(["owner_epoch", p])).value?.epoch ?? 0) + 1;
    await kv.atomic()
      .set(["owner", p], {
        ownerId: "dead",
        pid: 999999,
        host: "elsewhere",
        epoch,
        acquiredAt: Date.now(),
        expiresAt,
      })
      .set(["owner_epoch", p], { epoch, ownerId: "dead" })
      .commit();
  }
}

Deno.test("DeployHandler on a KV without queues: a start sent while the dead owner's lease lapses is carried out by this isolate, which takes over while the request waits", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  using raw = await Deno.openKv(kvPath);
  const kv = queuelessKv(raw);
  await deadOwner(raw, Date.now() + 500);
  await using handler = new DeployHandler(config(kvPath), { kv, log: () => {} });
  const started = Date.now();
  const start = await handler.fetch(
    new Request(
      "http://127.0.0.1:1/api/workflows",
      json({
        name: "t_sleep",
        input: { ms: 50 },
        workflow_id: "sent",
      }),
    ),
    LOCAL,
  );
  assert.equal(start.status, 201, "created, exactly");
  await start.body?.cancel();
  assert.ok(Date.now() - started < 5000, "answered once this isolate took over");
  await until(async () => (await handler.status()).partitions.length === 16, "the takeover");
  const reader = new LoomReader(raw, kvPath);
  await until(async () => (await reader.run("sent"))?.status === "COMPLETED", "the run");
});

Deno.test("DeployHandler on a KV without queues: the cron tick takes the lapsed leases and the run goes on", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  using raw = await Deno.openKv(kvPath);
  const kv = queuelessKv(raw);
  const other = await createEngine({ kv, kvPath, leaseTtlMs: 600, leaseRenewMs: 100 });
  await other.start(SleepFlow, { ms: 200 }, { workflowId: "slept" });
  // The other isolate dies (its leases stay until they lapse): nothing runs the sleeper.
  await other.close();
  const expiresAt = Date.now() + 300;
  await deadOwner(raw, expiresAt);
  await using handler = new DeployHandler(config(kvPath), { kv, log: () => {} });
  const reader = new LoomReader(raw, kvPath);
  assert.equal((await reader.run("slept"))?.status, "RUNNING");
  await handler.cronTick();
  assert.ok(Date.now() >= expiresAt, "not before the dead owner's leases lapsed");
  assert.deepEqual(await handler.status(), { role: "owner", partitions: ALL });
  await until(async () => (await reader.run("slept"))?.status === "COMPLETED", "the run");
});

Deno.test("DeployHandler answers 503 while it cannot open the database, and tries again on the next request", async () => {
  await using dir = await tempDir();
  const log: string[] = [];
  await using handler = new DeployHandler(config(`${dir.path}/later/loom.kv`), {
    log: (l) => log.push(l),
  });
  const failed = await handler.fetch(new Request("http://127.0.0.1:1/api/workflows"), LOCAL);
  assert.equal(failed.status, 503);
  const body = await failed.json();
  assert.equal(body.code, "STORAGE_UNAVAILABLE");
  assert.match(body.message, /^Loom could not start: /);
  assert.equal(log.length, 1);
  assert.match(log[0] as string, /^loom: could not start: /);
  await Deno.mkdir(`${dir.path}/later`);
  const ok = await handler.fetch(new Request("http://127.0.0.1:1/api/workflows"), LOCAL);
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
});
