import assert from "node:assert/strict";
import { connect } from "../../web/mod.ts";
import { FLOWS_MODULE, tempDir, until } from "../_helpers.ts";
import { getJson, serveDeploy } from "./_deploy_isolate.ts";

/**
 * The database, two ways: `LOOM_KV` names a temp file (it has queues, and the engine uses them);
 * or as on Deno Deploy: no `LOOM_KV`, so the entry calls `Deno.openKv()` with no path, which
 * `DENO_KV_DEFAULT_PATH` points at a temp file, and `DENO_DEPLOYMENT_ID` is set, so the engine
 * takes that database for Deploy's, which has no queues: it uses the polled timer index.
 */
const DATABASES = [
  { name: "LOOM_KV", env: (file: string) => ({ LOOM_KV: file }), polled: false },
  {
    name: "as on Deno Deploy",
    env: (file: string) => ({ DENO_KV_DEFAULT_PATH: file, DENO_DEPLOYMENT_ID: "loom-e2e" }),
    polled: true,
  },
] as const;

/** Entries of the polled timer index (`["timer", dueAt, workflowId, seq]`) in a KV file. */
async function timerIndex(file: string): Promise<number> {
  using kv = await Deno.openKv(file);
  let n = 0;
  for await (const _ of kv.list({ prefix: ["timer"] })) n++;
  return n;
}

for (const database of DATABASES) {
  Deno.test(`deno serve web/deploy.ts completes a run with a timer; a second isolate joins, takes a start, and takes over when the first is killed [${database.name}]`, async () => {
    await using dir = await tempDir();
    const file = `${dir.path}/loom.kv`;
    const env = { ...database.env(file), LOOM_MODULES: FLOWS_MODULE };
    const first = await serveDeploy({ env });
    try {
      const a = connect({ url: first.url });
      const slept = await (await a.start("t_sleep", { ms: 200 }, { workflowId: "first" })).result();
      assert.ok((slept.after as number) - (slept.before as number) >= 400, "both sleeps waited");
      assert.equal((await getJson(`${first.url}/health/ready`)).body.role, "owner");

      await using second = await serveDeploy({ env });
      const ready = await getJson(`${second.url}/health/ready`);
      assert.equal(ready.body.role, "owner", "the second isolate joins and takes a share");
      const b = connect({ url: second.url });
      assert.equal(await b.getHandle("first").status(), "COMPLETED", "the reader reads");
      // "taken-over" is in partition 5, which the first isolate keeps (the oldest keeps the
      // lowest partitions): the second writes its record and the first runs it.
      const started = await b.start("t_sleep", { ms: 1500 }, { workflowId: "taken-over" });
      assert.equal(started.created, true, "either isolate accepts a start");
      await until(
        async () => {
          const { body } = await getJson(`${second.url}/api/workflows/taken-over/events`);
          return (body.data as { type: string }[]).some((e) => e.type === "TIMER_SCHEDULED");
        },
        "the owner to take the start on and sleep",
        20_000,
      );
      assert.equal(await timerIndex(file) > 0, database.polled, "timers in the polled index");

      const killed = await first.kill("SIGKILL");
      assert.equal(killed.signal, "SIGKILL");
      // Each request sets off a tick (at most one a second): the first's leases lapse (3 s), the
      // second isolate takes its partitions, recovers the run and its timer, and it completes.
      const done = await until(
        async () => {
          const { body } = await getJson(`${second.url}/api/workflows/taken-over`);
          return body.status === "COMPLETED" ? body : undefined;
        },
        "the second isolate to take over and complete the run",
        30_000,
      );
      assert.equal(done?.id, "taken-over");
      assert.equal((await getJson(`${second.url}/health/ready`)).body.role, "owner");
      assert.match(second.log(), /this isolate owns .* now \(pid \d+\)/);
      const after = await started.result() as { before: number; after: number };
      assert.ok(after.after - after.before >= 3000);
    } finally {
      await first.kill("SIGKILL");
    }
  });
}

Deno.test("deno serve web/deploy.ts without a token answers loopback; with LOOM_TOKEN it asks for the token", async () => {
  await using dir = await tempDir();
  const env = { LOOM_KV: `${dir.path}/loom.kv`, LOOM_MODULES: FLOWS_MODULE };
  {
    await using open = await serveDeploy({ env });
    assert.equal((await getJson(`${open.url}/api/workflows`)).status, 200);
    const stopped = await open.kill("SIGTERM");
    assert.equal(stopped.code, 0, "SIGTERM closes the engine and exits 0");
  }
  await using guarded = await serveDeploy({ env: { ...env, LOOM_TOKEN: "s3cret" } });
  const without = await getJson(`${guarded.url}/api/workflows`);
  assert.equal(without.status, 401);
  assert.equal(without.body.code, "UNAUTHORIZED");
  const withToken = await getJson(`${guarded.url}/api/workflows`, {
    headers: { authorization: "Bearer s3cret" },
  });
  assert.equal(withToken.status, 200);
});
