import assert from "node:assert/strict";
import { connect } from "../../web/mod.ts";
import { FLOWS_MODULE, tempDir, until } from "../_helpers.ts";
import { getJson, serveDeploy } from "./_deploy_isolate.ts";

Deno.test("deno serve web/deploy.ts completes a run with a timer; a second isolate reads, takes a start, and takes over when the first is killed", async () => {
  await using dir = await tempDir();
  const env = { LOOM_KV: `${dir.path}/loom.kv`, LOOM_MODULES: FLOWS_MODULE };
  const first = await serveDeploy({ env });
  try {
    const a = connect({ url: first.url });
    const slept = await (await a.start("t_sleep", { ms: 200 }, { workflowId: "first" })).result();
    assert.ok((slept.after as number) - (slept.before as number) >= 400, "both sleeps waited");
    assert.equal((await getJson(`${first.url}/health/ready`)).body.role, "owner");

    await using second = await serveDeploy({ env });
    const ready = await getJson(`${second.url}/health/ready`);
    assert.equal(ready.body.role, "reader", "the first isolate holds the lease");
    const b = connect({ url: second.url });
    assert.equal(await b.getHandle("first").status(), "COMPLETED", "the reader reads");
    const started = await b.start("t_sleep", { ms: 1500 }, { workflowId: "second" });
    assert.equal(started.created, true, "the reader accepts a start");
    await until(
      async () => {
        const { body } = await getJson(`${second.url}/api/workflows/second/events`);
        return (body.data as { type: string }[]).some((e) => e.type === "TIMER_SCHEDULED");
      },
      "the owner to take the start on and sleep",
      20_000,
    );

    const killed = await first.kill("SIGKILL");
    assert.equal(killed.signal, "SIGKILL");
    // Each request sets off a tick (at most one a second): the lease lapses (3 s), the second
    // isolate takes it, recovers the run and its timer, and the run completes.
    const done = await until(
      async () => {
        const { body } = await getJson(`${second.url}/api/workflows/second`);
        return body.status === "COMPLETED" ? body : undefined;
      },
      "the second isolate to take over and complete the run",
      30_000,
    );
    assert.equal(done?.id, "second");
    assert.equal((await getJson(`${second.url}/health/ready`)).body.role, "owner");
    assert.match(second.log(), /this isolate owns .*loom\.kv now/);
    const after = await started.result() as { before: number; after: number };
    assert.ok(after.after - after.before >= 3000);
  } finally {
    await first.kill("SIGKILL");
  }
});

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
