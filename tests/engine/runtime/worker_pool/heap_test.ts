import assert from "node:assert/strict";
import { WorkflowExecutionError } from "../../../../engine/mod.ts";
import { tempDir } from "../../../_helpers.ts";
import { SeqFlow } from "../../../fixtures/flows.ts";
import "../../../fixtures/worker_flows.ts";
import { HeapActivityFlow, HeapFlow } from "../../../fixtures/hostile_flows.ts";
import type { HostileOwnerConfig, RunOutcome } from "../../../fixtures/hostile_owner.ts";
import { poolEngine } from "./_pool.ts";

const OWNER = new URL("../../../fixtures/hostile_owner.ts", import.meta.url).pathname;

Deno.test("workflow code that exhausts its heap fails its run with WorkerCrashedError after maxCrashes; the others go on", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`, {
    workflowWorkers: 1,
    heapMb: 96,
    maxCrashes: 3,
  });
  const bystanders = await Promise.all(
    Array.from({ length: 5 }, (_, i) => loom.engine.start(SeqFlow, { n: 3, start: i })),
  );
  const heap = await loom.engine.start(HeapFlow, null);
  await assert.rejects(heap.result(), (e: unknown) => {
    assert.ok(e instanceof WorkflowExecutionError);
    assert.equal((e.cause as { code?: string }).code, "WORKER_CRASHED");
    assert.match(
      e.message,
      /Workflow "h_heap" \(id "[^"]+"\) in step "hoard" stopped its Worker 3 times: Error: it ran out of memory \(its heap limit is 96 MiB\)/,
    );
    return true;
  });
  for (const [i, h] of bystanders.entries()) assert.deepEqual(await h.result(), { total: i + 3 });
  assert.ok(loom.pool.stats().restarts >= 3, "the Worker was replaced each time");
  const after = await loom.engine.start(SeqFlow, { n: 2 });
  assert.deepEqual(await after.result(), { total: 2 });
});

Deno.test("activity code that exhausts its heap fails the attempt with WorkerCrashedError", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`, { heapMb: 96, maxCrashes: 2 });
  const handle = await loom.engine.start(HeapActivityFlow, null);
  const state = await handle.result();
  assert.equal(state.code, "WORKER_CRASHED");
  assert.match(
    state.message,
    /Activity "h_heap_activity" \(workflow "[^"]+", attempt 1\) stopped its Worker 2 times: Error: it ran out of memory/,
  );
  const after = await loom.engine.start(SeqFlow, { n: 2 });
  assert.deepEqual(await after.result(), { total: 2 });
});

Deno.test("an owner process whose workflow allocates without bound stays up: that run fails, the others complete", async () => {
  await using dir = await tempDir();
  const config: HostileOwnerConfig = {
    kvPath: `${dir.path}/loom.kv`,
    prefix: "",
    workers: 1,
    heapMb: 128,
    stuckAfterMs: 5000,
    honest: {
      count: 6,
      input: {
        trace: `${dir.path}/trace.txt`,
        activities: 2,
        firstBytes: [10, 100],
        againBytes: 10,
        pad: "",
      },
    },
    hostile: [{ kind: "heap", count: 1 }, { kind: "heapActivity", count: 1 }],
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", OWNER, JSON.stringify(config)],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const { code, stdout, stderr } = await child.output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(
    code,
    0,
    `the owner exited ${code}: ${new TextDecoder().decode(stderr).slice(-2000)}`,
  );
  assert.match(out, /^DONE$/m);
  const line = out.split("\n").find((l) => l.startsWith("RESULT ")) as string;
  const outcomes = JSON.parse(line.slice("RESULT ".length)) as Record<string, RunOutcome>;
  assert.equal(outcomes["heap-0"]?.status, "FAILED");
  assert.equal(outcomes["heap-0"]?.code, "WORKER_CRASHED");
  assert.match(outcomes["heap-0"]?.message ?? "", /in step "hoard" stopped its Worker 3 times/);
  assert.match(
    outcomes["heap-0"]?.message ?? "",
    /ran out of memory \(its heap limit is 128 MiB\)/,
  );
  assert.equal(outcomes["heapActivity-0"]?.status, "COMPLETED");
  assert.equal((outcomes["heapActivity-0"]?.state as { code: string }).code, "WORKER_CRASHED");
  for (let i = 0; i < 6; i++) assert.equal(outcomes[`honest-${i}`]?.status, "COMPLETED");
});
