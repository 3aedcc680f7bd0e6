import assert from "node:assert/strict";
import { connectKv, LoomReader } from "../../engine/mod.ts";
import { FLOWS_MODULE, tempDir, textDecoder, traceLines, until } from "../_helpers.ts";

const ROOT = new URL("../../", import.meta.url);
const WORKER_FLOWS = new URL("../fixtures/worker_flows.ts", import.meta.url).pathname;

Deno.test("loom serve --workers --module runs the modules in Workers and SIGTERM lets a running activity finish", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const trace = `${dir.path}/slow.trace`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "main.ts",
      "serve",
      "--port",
      "0",
      "--kv",
      kvPath,
      "--workers",
      "1",
      "--module",
      new URL(FLOWS_MODULE).pathname,
      "--module",
      WORKER_FLOWS,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const output: string[] = [];
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(textDecoder())) output.push(chunk);
  };
  const reading = Promise.all([collect(child.stdout), collect(child.stderr)]);
  try {
    await until(() => output.join("").includes("Loom engine owns"), "the owner to start", 30_000);
    assert.match(output.join(""), /\(1 workflow and 1 activity Workers\)/);
    {
      await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
      await client.start("w_slow", { trace, ms: 500 }, { workflowId: "slow" });
    }
    await until(async () => (await traceLines(trace)).includes("started"), "the activity");
    child.kill("SIGTERM");
    const status = await child.status;
    await reading;
    assert.equal(status.code, 0, output.join(""));
    assert.match(output.join(""), /Shutting down/);
    assert.deepEqual(await traceLines(trace), ["started", "finished"]);
    const kv = await Deno.openKv(kvPath);
    try {
      const types = (await new LoomReader(kv, kvPath).eventsOf("slow")).map((e) => e.type);
      assert.ok(types.includes("ACTIVITY_COMPLETED"), types.join());
      assert.equal((await kv.get(["owner", 0])).value, null, "the lease was released");
    } finally {
      kv.close();
    }
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await child.status;
    await reading.catch(() => {});
  }
});
