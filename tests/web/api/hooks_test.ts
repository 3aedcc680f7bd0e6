import assert from "node:assert/strict";
import { connectKv, createEngine } from "../../../engine/mod.ts";
import { createApp, kvBackend } from "../../../web/mod.ts";
import { stateValue } from "../../engine/behaviour/_hooks.ts";
import { HookFlow } from "../../fixtures/hook_flows.ts";
import { tempDir } from "../../_helpers.ts";
import { apiFixture } from "../_helpers.ts";

Deno.test("POST /api/hooks/{token} resumes the run with its JSON body, without the bearer token", async () => {
  await using api = await apiFixture({ token: "secret" }, { publicUrl: "https://pub.example" });
  const handle = await api.engine.start(HookFlow, {});
  const token = await stateValue(api.engine, handle.workflowId, "token");
  const post = (body: string, headers: Record<string, string> = {}) =>
    api.call(`/api/hooks/${token}`, { method: "POST", body, headers });
  const res = await post(JSON.stringify({ approved: true }), { "content-type": "text/plain" });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { accepted: true });
  assert.deepEqual((await handle.result()).answer, { approved: true });
  const again = await post("1");
  assert.equal(again.status, 404);
  const body = await again.json();
  assert.equal(body.code, "HOOK_NOT_FOUND");
  assert.ok(!JSON.stringify(body).includes(token), "the answer does not repeat the token");
  // Other routes still need the token.
  assert.equal((await api.call("/api/workflows")).status, 401);
});

Deno.test("the hook route answers 404 for unknown tokens, 410 after the timeout, 4xx for bad bodies", async () => {
  await using api = await apiFixture();
  const post = (path: string, body?: string) =>
    api.call(path, { method: "POST", ...(body === undefined ? {} : { body }) });
  for (const path of [`/api/hooks/hk_${"Q".repeat(43)}`, "/api/hooks/short", "/api/hooks/%20"]) {
    const res = await post(path, "{}");
    assert.equal(res.status, 404, path);
    assert.equal((await res.json()).code, "HOOK_NOT_FOUND");
  }
  const open = await api.engine.start(HookFlow, {});
  const token = await stateValue(api.engine, open.workflowId, "token");
  const malformed = await post(`/api/hooks/${token}`, "{not json");
  assert.equal(malformed.status, 400);
  assert.deepEqual(await malformed.json(), {
    code: "MALFORMED_BODY",
    message: "Malformed JSON in request body",
  });
  const large = await post(`/api/hooks/${token}`, JSON.stringify("x".repeat(40_000)));
  assert.equal(large.status, 413);
  assert.equal((await large.json()).code, "BODY_TOO_LARGE");
  assert.equal(await open.status(), "RUNNING", "nothing was delivered");
  const empty = await post(`/api/hooks/${token}`);
  assert.equal(empty.status, 200, "an empty body is null");
  assert.equal((await open.result()).answer, null);

  const timed = await api.engine.start(HookFlow, { timeout: 50 });
  const late = await stateValue(api.engine, timed.workflowId, "token");
  assert.equal((await timed.result()).error, "HookTimeoutError");
  const gone = await post(`/api/hooks/${late}`, "1");
  assert.equal(gone.status, 410);
  assert.equal((await gone.json()).code, "HOOK_EXPIRED");
});

Deno.test("the hook route and the run stream route are in the OpenAPI document", async () => {
  await using api = await apiFixture({ token: "secret" });
  const doc = (await api.json<{ paths: Record<string, Record<string, Record<string, unknown>>> }>(
    "/openapi.json",
    { headers: { authorization: "Bearer secret" } },
  )).body;
  const hook = doc.paths["/api/hooks/{token}"]?.post as Record<string, unknown>;
  assert.deepEqual(hook.security, [], "no bearer token");
  assert.deepEqual(Object.keys(hook.responses as object).sort(), [
    "200",
    "400",
    "401",
    "404",
    "410",
    "413",
    "503",
  ]);
  const stream = doc.paths["/api/workflows/{id}/streams/{name}"]?.get as Record<string, unknown>;
  assert.ok(stream, "the stream route");
  const params = (stream.parameters as { name: string; in: string }[]).map((p) =>
    `${p.in}:${p.name}`
  );
  assert.deepEqual(params.sort(), ["path:id", "path:name", "query:after", "query:token"]);
});

Deno.test("through a process that does not own the file (loom web), a hook call goes to the owner's inbox", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await using engine = await createEngine({ kvPath, pollIntervalMs: 20 });
  await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
  const backend = kvBackend(client, { pollIntervalMs: 20 });
  try {
    const app = createApp(backend);
    const handle = await engine.start(HookFlow, {});
    const token = await stateValue(engine, handle.workflowId, "token");
    const res = await app.request(`/api/hooks/${token}`, { method: "POST", body: '"via web"' });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await handle.result()).answer, "via web");
    const used = await app.request(`/api/hooks/${token}`, { method: "POST", body: "1" });
    assert.equal(used.status, 404);
  } finally {
    await backend.close();
  }
});
