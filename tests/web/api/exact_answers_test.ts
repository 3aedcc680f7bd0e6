import assert from "node:assert/strict";
import { connectKv, createEngine } from "../../../engine/mod.ts";
import { createApp, kvBackend } from "../../../web/mod.ts";
import { CancelFlow } from "../../fixtures/flows.ts";
import { tempDir } from "../../_helpers.ts";
import { apiFixture } from "../_helpers.ts";

const start = (workflow_id: string, input: unknown = {}) => ({
  method: "POST",
  body: { name: "t_signal", input, workflow_id },
});

Deno.test("50 concurrent starts of one id: exactly one answers 201 created", async () => {
  await using api = await apiFixture();
  const answers = await Promise.all(
    Array.from(
      { length: 50 },
      () => api.json<{ created: boolean }>("/api/workflows", start("same")),
    ),
  );
  assert.equal(answers.filter((a) => a.status === 201 && a.body.created).length, 1);
  assert.equal(answers.filter((a) => a.status === 200 && !a.body.created).length, 49);
  assert.equal((await api.engine.list()).items.length, 1);
});

Deno.test("concurrent starts through a reader process's inbox: one of them created the run", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await using _engine = await createEngine({ kvPath, pollIntervalMs: 20 });
  await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
  const backend = kvBackend(client);
  try {
    const app = createApp(backend);
    const answers = await Promise.all(Array.from({ length: 10 }, async () => {
      const res = await app.request("/api/workflows", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "t_signal", input: {}, workflow_id: "via-inbox" }),
      });
      return { status: res.status, created: (await res.json()).created };
    }));
    assert.equal(answers.filter((a) => a.status === 201 && a.created).length, 1);
    assert.equal(answers.filter((a) => a.status === 200 && !a.created).length, 9);
  } finally {
    await backend.close();
  }
});

Deno.test("ids that break the rule are refused with 400 naming the rule, on the way in and out", async () => {
  await using api = await apiFixture();
  for (
    const [id, why] of [
      ["a\ud800b", /lone surrogate/],
      ["\udfff", /lone surrogate/],
      [".", /path segment/],
      ["..", /path segment/],
      ["tab\tid", /control character/],
      ["x".repeat(513), /more than 512/],
    ] as const
  ) {
    const res = await api.json<{ code: string; message: string }>("/api/workflows", start(id));
    assert.equal(res.status, 400, id);
    assert.equal(res.body.code, "INVALID_REQUEST");
    assert.match(res.body.message, why);
  }
  for (const path of ["/api/workflows/tab%09id", "/api/workflows/nul%00/events"]) {
    const res = await api.json<{ message: string }>(path);
    assert.equal(res.status, 400, path);
    assert.match(res.body.message, /control character/);
  }
  assert.equal((await api.engine.list()).items.length, 0, "nothing stored");
});

Deno.test("input nested 10,000 deep is a 400 naming the depth, and stores nothing", async () => {
  await using api = await apiFixture();
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = [deep];
  const res = await api.call("/api/workflows", {
    method: "POST",
    body: JSON.stringify({ name: "t_signal", input: { deep }, workflow_id: "deep" }),
  });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.code, "INVALID_PAYLOAD");
  assert.match(body.message, /nested deeper than 256/);
  assert.equal((await api.engine.list()).items.length, 0);
  await api.json("/api/workflows", start("waits"));
  const signal = await api.call("/api/workflows/waits/signal", {
    method: "POST",
    body: JSON.stringify({ name: "go", data: deep }),
  });
  assert.equal(signal.status, 400);
});

Deno.test("forged cursors are 400, however long or odd", async () => {
  await using api = await apiFixture();
  await api.json("/api/workflows", start("one"));
  await api.json("/api/workflows", start("two"));
  const page = await api.json<{ meta: { next_cursor: string } }>("/api/workflows?per_page=1");
  const decode = (c: string) => JSON.parse(atob(c.replaceAll("-", "+").replaceAll("_", "/")));
  const real = decode(page.body.meta.next_cursor);
  const forge = (value: unknown) =>
    btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
  for (
    const cursor of [
      "A".repeat(100_000),
      forge({ ...real, id: "y".repeat(5000) }),
      forge({ ...real, id: "" }),
      forge({ q: "x", t: "now", id: "a" }),
      "%%%",
    ]
  ) {
    const res = await api.json<{ code: string }>(
      `/api/workflows?per_page=1&cursor=${encodeURIComponent(cursor)}`,
    );
    assert.equal(res.status, 400, cursor.slice(0, 20));
    assert.equal(res.body.code, "INVALID_CURSOR");
  }
});

Deno.test("cancel of a cancelled run is 200 and idempotent, concurrent or not", async () => {
  await using api = await apiFixture();
  await api.engine.start(CancelFlow, { trace: "", mode: "propagate" }, { workflowId: "c" });
  const cancel = () =>
    api.call("/api/workflows/c/cancel", { method: "POST", body: { reason: "stop" } });
  // Cancels that arrive while the run is ending (its last transition built, not yet landed).
  const answers = await Promise.all(
    Array.from({ length: 10 }, (_, i) => new Promise((r) => setTimeout(r, i)).then(cancel)),
  );
  assert.deepEqual(answers.map((a) => a.status), Array(10).fill(200));
  await assert.rejects(api.engine.getHandle("c").result());
  assert.equal(await api.engine.getHandle("c").status(), "CANCELLED");
  assert.equal((await cancel()).status, 200);
});
