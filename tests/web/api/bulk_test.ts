import assert from "node:assert/strict";
import { createEngine } from "../../../engine/mod.ts";
import { engineBackend, startServer } from "../../../web/mod.ts";
import { SignalFlow } from "../../fixtures/flows.ts";
import { eventually } from "../dashboard/_helpers.ts";

type Line = {
  type: string;
  total?: number | null;
  id?: string;
  ok?: boolean;
  error?: string;
  cancelled?: number;
  failed?: number;
};

/** Reads an NDJSON answer line by line, as it arrives. */
async function readLines(res: Response, each?: (l: Line) => void): Promise<Line[]> {
  const lines: Line[] = [];
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of res.body as ReadableStream<Uint8Array>) {
    rest += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      const l = JSON.parse(rest.slice(0, nl)) as Line;
      rest = rest.slice(nl + 1);
      lines.push(l);
      each?.(l);
    }
  }
  return lines;
}

async function serve() {
  const engine = await createEngine({
    kvPath: ":memory:",
    pollIntervalMs: 50,
    shutdownGraceMs: 200,
  });
  const server = await startServer(engineBackend(engine), { port: 0, token: "s3cret" });
  return {
    engine,
    server,
    post: (query: string, body?: unknown, token = "s3cret") =>
      fetch(`${server.url}/api/workflows/cancel${query}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    async [Symbol.asyncDispose]() {
      await server.close();
      await engine.close();
    },
  };
}

Deno.test("POST /api/workflows/cancel cancels every running run of the filter in one call, streaming its progress as NDJSON over HTTP", async () => {
  await using s = await serve();
  for (let i = 0; i < 20; i++) {
    await s.engine.start(SignalFlow, {}, { workflowId: `bulk-${String(i).padStart(2, "0")}` });
  }
  await s.engine.start(SignalFlow, {}, { workflowId: "spared" });
  const res = await s.post("?id_prefix=bulk-", { reason: "clean-up" });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/x-ndjson/);
  const seen: string[] = [];
  const lines = await readLines(res, (l) => seen.push(l.type));
  assert.deepEqual(lines[0], { type: "start", total: 20 });
  const progress = lines.filter((l) => l.type === "progress");
  assert.equal(progress.length, 20);
  assert.ok(progress.every((l) => l.ok === true));
  assert.deepEqual(progress.map((l) => l.cancelled), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.deepEqual(new Set(progress.map((l) => l.id)).size, 20);
  assert.deepEqual(lines.at(-1), { type: "done", cancelled: 20, failed: 0 });
  for (const id of ["bulk-00", "bulk-19"]) {
    await eventually(
      `${id} cancelled`,
      async () => (await s.engine.getHandle(id).status()) === "CANCELLED",
    );
  }
  const h = (await s.engine.reader.eventsOf("bulk-07")).find((e) =>
    e.type === "WORKFLOW_CANCELLED"
  );
  assert.equal((h?.payload as { reason?: string }).reason, "clean-up");
  assert.equal(await s.engine.getHandle("spared").status(), "RUNNING");
});

Deno.test("bulk cancel takes the list's filters and search; another status matches none; a bad filter or no token is refused before anything is cancelled", async () => {
  await using s = await serve();
  await s.engine.start(SignalFlow, { timeout: 60_000 }, { workflowId: "a-1" });
  await s.engine.start(SignalFlow, {}, { workflowId: "a-2" });
  await s.engine.start(SignalFlow, {}, { workflowId: "b-1" });
  const searched = await readLines(await s.post("?search=A-2"));
  assert.deepEqual(searched[0], { type: "start", total: null });
  assert.deepEqual(searched.filter((l) => l.type === "progress").map((l) => l.id), ["a-2"]);
  const none = await readLines(await s.post("?status=COMPLETED"));
  assert.deepEqual(none, [{ type: "start", total: 0 }, { type: "done", cancelled: 0, failed: 0 }]);
  const bad = await s.post("?started_after=yesterday");
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).message, /started_after/);
  const denied = await s.post("?id_prefix=a-", undefined, "wrong");
  assert.equal(denied.status, 401);
  await denied.body?.cancel();
  assert.equal(await s.engine.getHandle("a-1").status(), "RUNNING");
  assert.equal(await s.engine.getHandle("b-1").status(), "RUNNING");
});
