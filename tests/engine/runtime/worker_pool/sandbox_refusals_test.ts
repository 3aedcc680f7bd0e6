import assert from "node:assert/strict";
import { WorkflowExecutionError } from "../../../../engine/mod.ts";
import { tempDir, until } from "../../../_helpers.ts";
import "../../../fixtures/flows.ts";
import "../../../fixtures/worker_flows.ts";
import {
  PerformanceFlow,
  SandboxFlow,
  type SandboxProbe,
} from "../../../fixtures/hostile_flows.ts";
import { poolEngine } from "./_pool.ts";

const REFUSED: [SandboxProbe, string, string][] = [
  ["import", "import", 'dynamic import("file:///'],
  ["openKv", "kv", "Deno.openKv()"],
  ["wasmCompile", "wasm", "WebAssembly.compile()"],
  ["wasmInstantiate", "wasm", "WebAssembly.instantiate()"],
  ["wasmModule", "wasm", "new WebAssembly.Module()"],
  ["broadcast", "broadcast", "new BroadcastChannel()"],
  ["worker", "worker", "new Worker()"],
  ["sharedArrayBuffer", "shared-memory", "new SharedArrayBuffer()"],
  ["atomicsWait", "shared-memory", "Atomics.wait()"],
];

Deno.test("what the sandbox refuses fails at the call, naming the workflow, the step and what was refused", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`, { workflowWorkers: 2 });
  const handles = await Promise.all(
    REFUSED.map(([what]) => loom.engine.start(SandboxFlow, { what }, { workflowId: `s-${what}` })),
  );
  for (const [i, [what, permission, target]] of REFUSED.entries()) {
    await assert.rejects(handles[i]!.result(), (e: unknown) => {
      assert.ok(e instanceof WorkflowExecutionError, `${what}: ${e}`);
      const cause = e.cause as Error & { permission?: string };
      assert.equal(cause.name, "NotCapable", `${what}: ${e.message}`);
      assert.equal(cause.permission, permission, what);
      assert.ok(
        e.message.startsWith(`Workflow "h_sandbox" (id "s-${what}") failed: `),
        `${what}: ${e.message}`,
      );
      assert.ok(
        e.message.includes(`Step "reach" was denied ${permission} access to ${target}`),
        `${what}: ${e.message}`,
      );
      assert.match(e.message, /workflow code runs in a sandbox without I\/O/, what);
      return true;
    });
  }
  assert.equal(loom.pool.stats().restarts, 0, "nothing was stuck or crashed");
});

Deno.test("performance.now() in workflow code gives the activation's time, in replay too", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  {
    await using first = await poolEngine(kvPath);
    await first.engine.start(PerformanceFlow, null, { workflowId: "perf" });
    await until(
      async () =>
        (await first.engine.reader.eventsOf("perf")).some((e) => e.type === "SIGNAL_WAITING"),
      "the wait",
    );
  }
  await using second = await poolEngine(kvPath, {}, { cacheSize: 0 });
  await second.engine.getHandle("perf").signal("go", null);
  const state = await second.engine.getHandle<Record<string, { ctxNow: number; perf: number[] }>>(
    "perf",
  ).result();
  for (const reading of [state.first!, state.second!]) {
    assert.deepEqual(reading.perf, [reading.ctxNow, reading.ctxNow], JSON.stringify(reading));
  }
  // The second owner replayed the first step: its reading is the one recorded.
  const recorded = (await second.engine.reader.eventsOf("perf")).find((e) =>
    e.type === "STATE_SET" && (e.payload as { key: string }).key === "first"
  );
  assert.deepEqual(state.first, (recorded?.payload as { value: unknown }).value);
  assert.ok(performance.now() < state.first!.ctxNow, "outside workflow code it is the real clock");
});
