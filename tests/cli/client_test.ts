import assert from "node:assert/strict";
import { discoverServer, openClient } from "../../cli/client.ts";
import { CliError } from "../../cli/errors.ts";
import { createEngine } from "../../engine/mod.ts";
import { tempDir } from "../_helpers.ts";

function healthServer(status = 200) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    return path === "/health"
      ? Response.json({ status: "healthy" }, { status })
      : new Response(null, { status: 404 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

async function writeServerFile(dir: string, info: unknown): Promise<void> {
  await Deno.mkdir(`${dir}/.loom`, { recursive: true });
  await Deno.writeTextFile(`${dir}/.loom/server.json`, JSON.stringify(info));
}

Deno.test("discoverServer() uses .loom/server.json when its server answers /health", async () => {
  await using dir = await tempDir();
  await using server = healthServer();
  assert.equal(await discoverServer(".loom/loom.kv", { cwd: dir.path }), undefined, "no file");
  await writeServerFile(dir.path, { url: `${server.url}/`, pid: 1, kvPath: ".loom/loom.kv" });
  assert.equal(await discoverServer(".loom/loom.kv", { cwd: dir.path }), server.url);
  assert.equal(
    await discoverServer(`${dir.path}/.loom/loom.kv`, { cwd: dir.path }),
    server.url,
    "the same file by another path",
  );
});

Deno.test("discoverServer() ignores a server of another file, a dead one and a bad file", async () => {
  await using dir = await tempDir();
  await using server = healthServer();
  await writeServerFile(dir.path, { url: server.url, kvPath: "other.kv" });
  assert.equal(await discoverServer(".loom/loom.kv", { cwd: dir.path }), undefined);
  await using unhealthy = healthServer(503);
  await writeServerFile(dir.path, { url: unhealthy.url });
  assert.equal(await discoverServer(".loom/loom.kv", { cwd: dir.path }), undefined);
  const closed = healthServer();
  const deadUrl = closed.url;
  await closed[Symbol.asyncDispose]();
  await writeServerFile(dir.path, { url: deadUrl });
  assert.equal(await discoverServer(".loom/loom.kv", { cwd: dir.path, timeoutMs: 500 }), undefined);
  await Deno.writeTextFile(`${dir.path}/.loom/server.json`, "{not json");
  assert.equal(await discoverServer(".loom/loom.kv", { cwd: dir.path }), undefined);
});

Deno.test("openClient() goes through the owner's inbox when no server is known", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await assert.rejects(openClient({ kvPath }, { cwd: dir.path }), (e: unknown) => {
    assert.ok(e instanceof CliError);
    assert.match(e.message, /No Loom database at/);
    return true;
  });
  await using engine = await createEngine({ kvPath, pollIntervalMs: 20 });
  await using opened = await openClient({ kvPath }, { cwd: dir.path });
  assert.equal(opened.via, `inbox of ${kvPath}`);
  assert.deepEqual((await opened.client.list()).items, []);
  assert.equal((await engine.list()).items.length, 0);
});

Deno.test("openClient() takes the server it is given over the inbox", async () => {
  await using dir = await tempDir();
  await assert.rejects(
    openClient({ kvPath: `${dir.path}/none.kv`, url: "http://127.0.0.1:9" }, { cwd: dir.path }),
    /Cannot reach the Loom server at "http:\/\/127\.0\.0\.1:9"/,
  );
});
