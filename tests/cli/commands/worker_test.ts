import assert from "node:assert/strict";
import { runWorker } from "../../../cli/commands/mod.ts";
import { memoryIo } from "../../../cli/io.ts";
import { connectKv } from "../../../engine/mod.ts";
import { tempDir, until } from "../../_helpers.ts";
import { FLOWS, loom, spawnLoom } from "../_cli.ts";

Deno.test("loom worker owns the file, runs what start and signal send, and stops on SIGTERM", async () => {
  await using dir = await tempDir();
  const kv = ["--kv", "loom.kv"];
  await using worker = spawnLoom(["worker", "--module", FLOWS, "-p", "0.05", ...kv], {
    cwd: dir.path,
  });
  await worker.waitFor("Press Ctrl-C to stop");
  assert.match(
    worker.stdout(),
    /^Starting Loom workflow worker\.\.\.\nWorkflow worker owns loom\.kv \(pid \d+\)\n/,
  );
  assert.match(worker.stdout(), /Polling interval: 0\.05s/);

  const waiting = await loom(["start", "t_signal", "--id", "w1", ...kv], { cwd: dir.path });
  assert.equal(waiting.code, 0, waiting.stderr);
  const signal = await loom(["signal", "w1", "go", "--data", "7", ...kv], { cwd: dir.path });
  assert.equal(signal.code, 0, signal.stderr);
  const seq = await loom(["start", "t_seq", "-i", '{"n":2}', "--wait", "--json", ...kv], {
    cwd: dir.path,
  });
  assert.equal(JSON.parse(seq.stdout).status, "COMPLETED");
  await worker.waitFor("completed t_signal w1");

  const second = await loom(["worker", "--module", FLOWS, ...kv], { cwd: dir.path });
  assert.equal(second.code, 1, "only one owner per file");
  assert.match(second.stderr, /KV file loom\.kv is owned by another live Loom process \(pid \d+/);

  assert.equal(await worker.stop("SIGTERM"), 0);
  const out = worker.stdout();
  assert.match(out, /\d\d:\d\d:\d\d started {3}t_signal w1\n/);
  assert.match(out, /Received SIGTERM\nShutting down gracefully\.\.\.\n/);
  assert.match(out, /Worker Statistics:\n {2}Uptime: +\S+/);
  assert.match(out, /\n {2}Runs started: +2\n {2}Runs completed: +2\n {2}Runs failed: +0\n/);
  assert.match(out, /\n {2}Activities completed: +2\n/);
  assert.match(out, /Worker shutdown complete\n$/);
  const stats = JSON.parse((await loom(["stats", "--json", ...kv], { cwd: dir.path })).stdout);
  assert.equal(stats.owner, null, "the lease was released");
});

Deno.test("loom worker without --module runs the bundled examples", async () => {
  await using dir = await tempDir();
  await using worker = spawnLoom(["worker", "-p", "0.05"], { cwd: dir.path });
  await worker.waitFor("Press Ctrl-C to stop");
  assert.match(worker.stdout(), /running the bundled example workflows/);
  const run = await loom([
    "start",
    "OrderProcessing",
    "--input",
    '{"orderId":"A1","customerEmail":"a@b.c"}',
    "--wait",
    "--json",
  ], { cwd: dir.path });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).result, { paymentConfirmed: true, emailSent: true });
  assert.equal(await worker.stop("SIGINT"), 0);
  assert.match(worker.stdout(), /Received SIGINT/);
});

Deno.test("runWorker() stops when its signal aborts and counts failures", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const io = memoryIo();
  const controller = new AbortController();
  const running = runWorker({
    kvPath,
    modules: [FLOWS],
    workers: 0,
    pollIntervalMs: 20,
    signal: controller.signal,
  }, io);
  await until(() => io.stdout.some((l) => l.startsWith("Press Ctrl-C")), "the worker to start");
  await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
  await client.start("t_throw", null, { workflowId: "boom" }).then((h) => h.result()).catch(
    () => {},
  );
  controller.abort();
  assert.equal(await running, 0);
  const out = io.stdout.join("\n");
  assert.match(out, /failed {4}t_throw boom: .*bad thing/);
  assert.match(out, /Runs failed: +1/);
  assert.doesNotMatch(out, /Received/, "no signal was received");
});
