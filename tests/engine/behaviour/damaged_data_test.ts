import assert from "node:assert/strict";
import { createEngine, ErrorCode, StoredDataError } from "../../../engine/mod.ts";
import { createApp, engineBackend } from "../../../web/mod.ts";
import { SignalFlow } from "../../fixtures/flows.ts";
import { tempDir } from "../../_helpers.ts";
import { loom } from "../../cli/_cli.ts";

const PAD = "p".repeat(5_000);

/**
 * A KV file with five runs waiting for a signal, three of them damaged by hand: one lost a chunk
 * of its input, one has a garbled record, one a garbled history entry.
 */
async function damagedFile(kvPath: string): Promise<void> {
  const engine = await createEngine({ kvPath, workers: 0 });
  for (const id of ["ok-1", "ok-2", "bad-chunk", "bad-record", "bad-history"]) {
    await engine.start(SignalFlow, { pad: PAD } as never, { workflowId: id });
  }
  await engine.close();
  await using kv = await Deno.openKv(kvPath);
  const record = (await kv.get<{ input: { blob: string } }>(["wf", "bad-chunk"])).value!;
  assert.ok("blob" in record.input, "the input is chunked");
  await kv.delete(["blob", "bad-chunk", record.input.blob, 0]);
  await kv.set(["wf", "bad-record"], { garbled: true });
  const h = (await kv.get<Record<string, unknown>>(["h", "bad-history", 0])).value!;
  await kv.set(["h", "bad-history", 0], { ...h, json: "[{not json" });
}

function isDamaged(id: string, part: string) {
  return (e: unknown) =>
    e instanceof StoredDataError && e.code === ErrorCode.StoredDataUnreadable &&
    e.workflowId === id && e.part === part && e.message.includes(`workflow "${id}"`);
}

Deno.test("runs with unreadable stored data are reported on their own; the owner starts and the other runs go on", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await damagedFile(kvPath);
  const errors: Error[] = [];
  const engine = await createEngine({ kvPath, workers: 0, onError: (e) => errors.push(e) });
  try {
    const damaged = errors.filter((e) => e instanceof StoredDataError) as StoredDataError[];
    assert.deepEqual(damaged.map((e) => e.workflowId).sort(), [
      "bad-chunk",
      "bad-history",
      "bad-record",
    ]);
    assert.ok(isDamaged("bad-chunk", "input")(damaged.find((e) => e.workflowId === "bad-chunk")));
    assert.match(
      damaged.find((e) => e.workflowId === "bad-history")!.message,
      /history entry 0: its events are not JSON/,
    );
    assert.match(damaged.find((e) => e.workflowId === "bad-record")!.message, /record: its id is/);

    await engine.getHandle("ok-1").signal("go", 1);
    assert.deepEqual(await engine.getHandle("ok-1").result(), { received: [1], timedOut: false });
    await assert.rejects(
      engine.getHandle("bad-chunk").signal("go", 1),
      isDamaged("bad-chunk", "input"),
    );
    await assert.rejects(
      engine.getHandle("bad-record").status(),
      isDamaged("bad-record", "record"),
    );

    const reader = engine.reader;
    const listed = (await reader.list()).items.map((r) => r.workflowId).sort();
    assert.deepEqual(
      listed,
      ["bad-chunk", "bad-history", "ok-1", "ok-2"],
      "a garbled record is left out",
    );
    const feed = await reader.queryEvents({}, { limit: 1000 });
    assert.ok(feed.items.some((e) => e.workflowId === "ok-1" && e.type === "WORKFLOW_COMPLETED"));
    assert.ok(!feed.items.some((e) => e.workflowId === "bad-history"));
    await assert.rejects(
      reader.eventsOf("bad-history"),
      isDamaged("bad-history", "history entry 0"),
    );
    assert.equal((await reader.eventsOf("ok-2")).length > 0, true);

    const app = createApp(engineBackend(engine), {});
    const get = async (path: string) => {
      const res = await app.request(path);
      return { status: res.status, body: await res.json() as Record<string, unknown> };
    };
    assert.equal((await get("/api/events")).status, 200);
    assert.equal((await get("/api/workflows")).status, 200);
    assert.equal((await get("/api/workflows/ok-2")).status, 200);
    assert.equal((await get("/api/workflows/ok-2/events")).status, 200);
    for (
      const path of [
        "/api/workflows/bad-chunk",
        "/api/workflows/bad-history/events",
        "/api/workflows/bad-record",
      ]
    ) {
      const res = await get(path);
      assert.equal(res.status, 500, path);
      assert.equal(res.body.code, "STORED_DATA_UNREADABLE", path);
      assert.match(String(res.body.message), /Stored data of workflow "bad-/, path);
    }
  } finally {
    await engine.close();
  }
});

Deno.test("loom list and inspect read the other runs of a file with a damaged run, and name what is wrong with it", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await damagedFile(kvPath);
  const kv = ["--kv", kvPath];
  const list = await loom(["list", "--json", ...kv], { cwd: dir.path });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /ok-1/);
  assert.match(list.stdout, /bad-chunk/);
  const good = await loom(["inspect", "ok-2", "--json", ...kv], { cwd: dir.path });
  assert.equal(good.code, 0, good.stderr);
  const bad = await loom(["inspect", "bad-chunk", ...kv], { cwd: dir.path });
  assert.notEqual(bad.code, 0);
  assert.match(
    bad.stderr,
    /Stored data of workflow "bad-chunk" is unreadable: input: chunk 0 of 1 is missing/,
  );
});
