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

  // A second worker on the same file joins: it takes a share of the partitions, the runs go
  // on whichever process holds theirs, and on SIGTERM it hands its share back.
  await using second = spawnLoom(["worker", "--module", FLOWS, "-p", "0.05", ...kv], {
    cwd: dir.path,
  });
  await second.waitFor("Press Ctrl-C to stop");
  assert.match(second.stdout(), /Workflow worker owns loom\.kv with 1 other process \(pid \d+\)/);
  const shared = await until(async () => {
    const s = JSON.parse((await loom(["stats", "--json", ...kv], { cwd: dir.path })).stdout);
    return s.processes.length === 2 && s.processes.every((p: { partitions: number[] }) =>
      p.partitions.length === 8
    ) && s;
  }, "two workers holding 8 partitions each");
  assert.equal(shared.partitions, 16);
  for (let i = 0; i < 6; i++) {
    const run = await loom(["start", "t_seq", "--id", `s${i}`, "-i", '{"n":1}', "--wait", ...kv], {
      cwd: dir.path,
    });
    assert.equal(run.code, 0, run.stderr);
  }
  assert.equal(await second.stop("SIGTERM"), 0);
  assert.match(second.stdout(), /Worker shutdown complete\n$/);

  assert.equal(await worker.stop("SIGTERM"), 0);
  const out = worker.stdout();
  assert.match(out, /\d\d:\d\d:\d\d started {3}t_signal w1\n/);
  assert.match(out, /Received SIGTERM\nShutting down gracefully\.\.\.\n/);
  assert.match(out, /Worker Statistics:\n {2}Uptime: +\S+/);
  // The six short runs went to whichever worker held their partition: both ran some.
  const counted = (text: string) => Number(/\n {2}Runs completed: +(\d+)\n/.exec(text)?.[1]);
  assert.equal(counted(out) + counted(second.stdout()), 8);
  assert.ok(counted(second.stdout()) >= 1, "the second worker ran runs of its partitions");
  assert.ok(counted(out) >= 2);
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
