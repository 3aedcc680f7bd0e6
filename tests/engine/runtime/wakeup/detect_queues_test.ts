import assert from "node:assert/strict";
import {
  detectQueues,
  onDenoDeploy,
  PROBE_KEY,
} from "../../../../engine/runtime/wakeup/detect_queues.ts";
import { queuelessKv, tempDir } from "../../../_helpers.ts";

/** A handle that fails the test if anything is asked of it. */
const untouchable = new Proxy({} as Deno.Kv, {
  get(_, prop) {
    throw new Error(`the handle was used: ${String(prop)}`);
  },
});

Deno.test("detectQueues: a local KV has queues, and the probe writes and enqueues nothing", async () => {
  await using dir = await tempDir();
  for (const path of [":memory:", `${dir.path}/loom.kv`]) {
    const kv = await Deno.openKv(path);
    const delivered: unknown[] = [];
    const listening = kv.listenQueue((m) => {
      delivered.push(m);
    });
    try {
      const found = await detectQueues({ kv, path, deploy: false });
      assert.deepEqual(found, { queues: true, reason: "the database takes queue messages" });
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(delivered, [], "no probe message arrives");
      assert.equal((await kv.get(PROBE_KEY)).versionstamp, null, "the probe key is not written");
    } finally {
      kv.close();
      await listening;
    }
  }
});

Deno.test("detectQueues: a KV whose enqueue throws as KV Connect's does has none", async () => {
  await using dir = await tempDir();
  using raw = await Deno.openKv(`${dir.path}/loom.kv`);
  const found = await detectQueues({ kv: queuelessKv(raw), path: `${dir.path}/loom.kv` });
  assert.equal(found.queues, false);
  assert.equal(
    found.reason,
    "the database refuses queue messages: Enqueue operations are not supported in KV Connect",
  );
});

Deno.test("detectQueues: a database opened by URL has none, without a probe", async () => {
  for (const path of ["https://api.deno.com/v2/databases/x/connect", "http://127.0.0.1:4512"]) {
    const found = await detectQueues({ kv: untouchable, path, deploy: false });
    assert.deepEqual(found, {
      queues: false,
      reason: "a database opened by URL (KV Connect) has no queues",
    });
  }
});

Deno.test("detectQueues: on Deno Deploy, the app's database (no path) has none; a file is probed", async () => {
  const found = await detectQueues({ kv: untouchable, path: undefined, deploy: true });
  assert.deepEqual(found, {
    queues: false,
    reason: "the database of a Deno Deploy app has no queues",
  });
  using kv = await Deno.openKv(":memory:");
  assert.equal((await detectQueues({ kv, path: ":memory:", deploy: true })).queues, true);
  assert.equal((await detectQueues({ kv, path: undefined, deploy: false })).queues, true);
});

Deno.test("detectQueues: a probe that fails for another reason leaves queues on", async () => {
  const failing = new Proxy({} as Deno.Kv, {
    get: (_, prop) =>
      prop === "atomic"
        ? () => {
          throw new Error("database is locked");
        }
        : undefined,
  });
  assert.deepEqual(await detectQueues({ kv: failing, path: "x.kv", deploy: false }), {
    queues: true,
    reason: "the queue probe failed (database is locked): queues assumed",
  });
});

Deno.test("onDenoDeploy() is true where DENO_DEPLOYMENT_ID or DENO_DEPLOY is set", () => {
  const saved = ["DENO_DEPLOYMENT_ID", "DENO_DEPLOY"].map((k) => [k, Deno.env.get(k)] as const);
  try {
    for (const [k] of saved) Deno.env.delete(k);
    assert.equal(onDenoDeploy(), false);
    Deno.env.set("DENO_DEPLOYMENT_ID", "abc123");
    assert.equal(onDenoDeploy(), true);
    Deno.env.delete("DENO_DEPLOYMENT_ID");
    Deno.env.set("DENO_DEPLOY", "true");
    assert.equal(onDenoDeploy(), true);
  } finally {
    for (const [k, v] of saved) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  }
});
