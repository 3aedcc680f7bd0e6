/**
 * Hooks and run streams across a killed owner, with real `loom serve` processes: an SSE reader
 * of a run's stream reconnects to the next server with `Last-Event-ID` and gets every value
 * once; a hook called while no owner runs (through a KV client) is delivered when the next
 * owner starts; hook URLs start with `--public-url`.
 */

import assert from "node:assert/strict";
import { connectKv } from "../../engine/mod.ts";
import { readSse } from "../../web/sse_reader.ts";
import { type RunningLoom, spawnLoom } from "../cli/_cli.ts";
import { tempDir, until } from "../_helpers.ts";

const FLOWS = new URL("../fixtures/hook_flows.ts", import.meta.url).pathname;

async function serve(dir: string): Promise<{ server: RunningLoom; url: string }> {
  const server = spawnLoom([
    "serve",
    "--port",
    "0",
    "--workers",
    "0",
    "--kv",
    `${dir}/loom.kv`,
    "--module",
    FLOWS,
    "--public-url",
    "https://hooks.example/",
  ], { cwd: dir });
  await server.waitFor("API: ", 60_000);
  const url = (server.stdout().match(/API: (http:\/\/\S+)\/api/) as RegExpMatchArray)[1] as string;
  return { server, url };
}

async function state(url: string, id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/api/workflows/${id}`);
  return (await res.json()).current_state as Record<string, unknown>;
}

Deno.test("a stream reader and a hook outlive a SIGKILLed owner", async () => {
  await using dir = await tempDir();
  const first = await serve(dir.path);
  for (
    const [name, id, input] of [
      ["t_stream", "streamer", { n: 2, waitFinish: true }],
      ["t_hook", "approver", {}],
    ] as const
  ) {
    const res = await fetch(`${first.url}/api/workflows`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, input, workflow_id: id }),
    });
    assert.equal(res.status, 201, await res.text());
  }
  // Read the first value only, then drop the connection.
  const reading = new AbortController();
  const res = await fetch(`${first.url}/api/workflows/streamer/streams/progress`, {
    signal: reading.signal,
  });
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const messages = readSse(res.body as ReadableStream<Uint8Array>);
  const one = (await messages.next()).value;
  assert.deepEqual([one?.id, JSON.parse(one?.data ?? "null")], ["0", { i: 0 }]);
  reading.abort();
  const hook = (await until(async () => {
    const s = await state(first.url, "approver");
    return typeof s.url === "string" ? s : undefined;
  }, "the hook")) as { url: string; token: string };
  assert.equal(hook.url, `https://hooks.example/api/hooks/${hook.token}`);
  first.server.child.kill("SIGKILL");
  await first.server.stop();

  // No owner: the KV client queues the hook's call in the run's inbox.
  {
    await using client = await connectKv({ kvPath: `${dir.path}/loom.kv` });
    await until(async () => !await client.owned(), "the dead owner's lease to lapse");
    await client.resumeHook(hook.token, { approved: "while down" });
  }
  const second = await serve(dir.path);
  try {
    const resumed = await fetch(`${second.url}/api/workflows/streamer/streams/progress`, {
      headers: { "last-event-id": "0" },
    });
    const rest = readSse(resumed.body as ReadableStream<Uint8Array>);
    const next = (await rest.next()).value;
    assert.deepEqual([next?.id, JSON.parse(next?.data ?? "null")], ["1", { i: 1 }]);
    const signal = await fetch(`${second.url}/api/workflows/streamer/signal`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "finish" }),
    });
    assert.equal(signal.status, 200, await signal.text());
    const end = (await rest.next()).value;
    assert.equal(end?.event, "end", "no value twice; the stream ends with the run");
    const result = await fetch(`${second.url}/api/workflows/approver/result?wait=true`);
    assert.deepEqual((await result.json()).result.answer, { approved: "while down" });
    const used = await fetch(`${second.url}/api/hooks/${hook.token}`, {
      method: "POST",
      body: "1",
    });
    assert.equal(used.status, 404, await used.text());
  } finally {
    await second.server.stop("SIGINT");
  }
});
