import assert from "node:assert/strict";
import { createEngine, StorageUnavailableError } from "../../../engine/mod.ts";
import { createApp, engineBackend } from "../../../web/mod.ts";
import { until } from "../../_helpers.ts";
import { SeqFlow, SignalFlow } from "../../fixtures/flows.ts";

/** A small tmpfs of its own (root only), so that the test can fill its disk. */
async function smallDisk(
  megabytes: number,
): Promise<({ path: string } & AsyncDisposable) | string> {
  if (Deno.build.os !== "linux") return "needs Linux tmpfs";
  if (Deno.uid() !== 0) return "needs root to mount a tmpfs";
  const path = await Deno.makeTempDir({ prefix: "loom-full-" });
  const mount = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${megabytes}m`, "tmpfs", path],
    stderr: "piped",
  }).output();
  if (!mount.success) {
    await Deno.remove(path);
    return `cannot mount a tmpfs: ${new TextDecoder().decode(mount.stderr).trim()}`;
  }
  return {
    path,
    async [Symbol.asyncDispose]() {
      await new Deno.Command("umount", { args: ["-l", path] }).output();
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** Fills the disk with one file until it is full. */
async function fill(path: string): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true });
  const block = new Uint8Array(64 * 1024);
  try {
    while (true) await file.write(block);
  } catch (e) {
    if (!/No space left|ENOSPC|os error 28/i.test(String(e))) throw e;
  } finally {
    file.close();
  }
}

/** Why these tests cannot run here (not root, no tmpfs), or `undefined` when they can. */
const why = await (async () => {
  const probe = await smallDisk(1);
  if (typeof probe === "string") return probe;
  await probe[Symbol.asyncDispose]();
  return undefined;
})();

Deno.test({
  name: `a full disk fails no run: signals answer 503 and apply nothing; runs carry on once freed${
    why === undefined ? "" : ` (skipped: ${why})`
  }`,
  ignore: why !== undefined,
  fn: async () => {
    const disk = await smallDisk(16);
    if (typeof disk === "string") throw new Error(disk);
    await using _disk = disk;
    const kvPath = `${disk.path}/loom.kv`;
    const errors: Error[] = [];
    {
      await using engine = await createEngine({
        kvPath,
        leaseRenewMs: 50,
        leaseTtlMs: 2000,
        onError: (e) => errors.push(e),
      });
      const app = createApp(engineBackend(engine));
      const ids = Array.from({ length: 20 }, (_, i) => `w-${i}`);
      for (const id of ids) await engine.start(SignalFlow, { count: 2 }, { workflowId: id });
      await engine.getHandle("w-0").signal("go", "before");
      await fill(`${disk.path}/filler`);
      const res = await app.request("/api/workflows/w-1/signal", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "go", data: "while full" }),
      });
      assert.equal(res.status, 503, await res.clone().text());
      assert.equal((await res.json()).code, "STORAGE_UNAVAILABLE");
      assert.ok(Number(res.headers.get("retry-after")) >= 1, "a Retry-After header");
      // Later requests are refused at once while the store does not take writes.
      await assert.rejects(engine.getHandle("w-2").signal("go", 1), StorageUnavailableError);
      await assert.rejects(engine.start(SignalFlow, {}), StorageUnavailableError);
      const ready = await app.request("/health/ready");
      assert.equal(ready.status, 503);
      assert.match((await ready.json()).reason, /store does not take writes|lease/);
      // Nothing failed, nothing of the refused signals was recorded.
      for (const id of ids) assert.equal(await engine.getHandle(id).status(), "RUNNING");
      await Deno.remove(`${disk.path}/filler`);
      await until(() => engine.health().ready, "the engine ready again", 20_000);
      // The signal refused while full was not applied: w-1 still waits for two.
      for (const id of ids) await engine.getHandle(id).signal("go", "after");
      await engine.getHandle("w-1").signal("go", "again");
      for (const id of ids.slice(2)) await engine.getHandle(id).signal("go", "again");
      assert.deepEqual(
        (await engine.getHandle("w-1").result()).received,
        ["after", "again"],
      );
      assert.deepEqual((await engine.getHandle("w-0").result()).received, ["before", "after"]);
      for (const id of ids.slice(2)) {
        assert.deepEqual((await engine.getHandle(id).result()).received, ["after", "again"]);
      }
    }
    // After a restart on the same file, every run is there, completed, none failed.
    await using again = await createEngine({ kvPath });
    const page = await again.list({ limit: 100 });
    assert.equal(page.items.length, 20);
    assert.deepEqual([...new Set(page.items.map((r) => r.status))], ["COMPLETED"]);
    assert.ok(!errors.some((e) => /Could not store a transition/.test(e.message)));
  },
});

Deno.test({
  name: `runs whose activities finish while the disk is full carry on once it is freed${
    why === undefined ? "" : ` (skipped: ${why})`
  }`,
  ignore: why !== undefined,
  fn: async () => {
    const d = await smallDisk(16);
    if (typeof d === "string") throw new Error(d);
    await using _d = d;
    await using engine = await createEngine({ kvPath: `${d.path}/loom.kv`, leaseTtlMs: 2000 });
    const handles = await Promise.all(
      Array.from(
        { length: 30 },
        (_, i) => engine.start(SeqFlow, { n: 400 }, { workflowId: `s-${i}` }),
      ),
    );
    // Fill the disk while the runs are in the middle of their steps, then free it.
    await new Promise((r) => setTimeout(r, 30));
    await fill(`${d.path}/filler`);
    assert.equal(
      (await engine.list({ status: "COMPLETED" })).items.length,
      0,
      "the runs are still going when the disk is full",
    );
    await until(() => engine.health().ready === false, "the store refusing writes", 10_000);
    await new Promise((r) => setTimeout(r, 300));
    await Deno.remove(`${d.path}/filler`);
    for (const h of handles) assert.deepEqual(await h.result(), { total: 400 });
  },
});
