import assert from "node:assert/strict";
import { connectKv, createEngine } from "../../../engine/mod.ts";
import { createApp, kvBackend, readSse } from "../../../web/mod.ts";
import { ShipFlow } from "../../fixtures/dashboard_flows.ts";
import { tempDir } from "../../_helpers.ts";
import { eventually, nodeStatuses, payloadOf, runIds } from "./_helpers.ts";

Deno.test("from a reader (loom web), pages render the owner's runs and their feed is the polled one", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await using engine = await createEngine({ kvPath, pollIntervalMs: 20, shutdownGraceMs: 200 });
  await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
  const backend = kvBackend(client, { pollIntervalMs: 20 });
  try {
    const app = createApp(backend);
    await engine.start(ShipFlow, { id: "R1" }, { workflowId: "read-1" });
    await eventually(
      "the run to wait",
      async () => (await engine.reader.eventsOf("read-1")).some((e) => e.type === "SIGNAL_WAITING"),
    );
    const list = await (await app.request("/workflows")).text();
    assert.deepEqual(runIds(list), ["read-1"]);
    const graph = await (await app.request("/workflows/read-1?tab=graph")).text();
    assert.equal(nodeStatuses(graph).step_approve, "waiting");
    const feed = payloadOf(graph).feed ?? "";
    assert.match(feed, /^\/api\/workflows\/read-1\/events\/stream\?after=\d+$/);
    const controller = new AbortController();
    const res = await app.request(feed, { signal: controller.signal });
    const types: string[] = [];
    const reading = (async () => {
      for await (const m of readSse(res.body as ReadableStream<Uint8Array>, controller.signal)) {
        if (m.event === "message") types.push(JSON.parse(m.data).type);
        if (m.event === "end") return;
      }
    })();
    await engine.getHandle("read-1").signal("approve", { by: "reader" });
    await reading;
    controller.abort();
    assert.ok(
      types.includes("SIGNAL_RECEIVED") && types.at(-1) === "WORKFLOW_COMPLETED",
      types.join(),
    );
  } finally {
    await backend.close();
  }
});
