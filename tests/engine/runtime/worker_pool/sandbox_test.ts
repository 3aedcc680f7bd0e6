import assert from "node:assert/strict";
import { WorkflowExecutionError } from "../../../../engine/mod.ts";
import { tempDir, until } from "../../../_helpers.ts";
import "../../../fixtures/flows.ts";
import {
  ClockFlow,
  type ClockReading,
  EnvFlow,
  FetchFlow,
  ReadFileFlow,
} from "../../../fixtures/worker_flows.ts";
import { poolEngine, WORKER_FLOWS_MODULE } from "./_pool.ts";

function denied(workflow: string, step: string, permission: string, target: string) {
  return (e: unknown) => {
    assert.ok(e instanceof WorkflowExecutionError, String(e));
    const cause = e.cause as Error & { permission?: string };
    assert.equal(cause.name, "NotCapable");
    assert.equal(cause.permission, permission);
    assert.match(e.message, new RegExp(`^Workflow "${workflow}" \\(id "[^"]+"\\) failed: `));
    assert.ok(
      e.message.includes(`Step "${step}" was denied ${permission} access to ${target}`),
      e.message,
    );
    assert.match(
      e.message,
      /workflow code runs in a sandbox without I\/O, so do I\/O in an activity/,
    );
    return true;
  };
}

Deno.test("a workflow that calls fetch fails, naming the workflow, the step and the net permission", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`);
  const handle = await loom.engine.start(FetchFlow, { url: "http://127.0.0.1:8123/x" });
  await assert.rejects(handle.result(), denied("w_fetch", "call", "net", '"127.0.0.1:8123"'));
  const failed = (await loom.engine.reader.eventsOf(handle.workflowId)).find((e) =>
    e.type === "WORKFLOW_FAILED"
  );
  const payload = failed?.payload as { step: string; error: string };
  assert.equal(payload.step, "call");
  assert.match(payload.error, /^Step "call" was denied net access/);
});

Deno.test("a workflow that reads a file fails naming the read permission, even a file next to its module", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/secret.txt`, "secret");
  await using loom = await poolEngine(`${dir.path}/loom.kv`);
  const outside = await loom.engine.start(ReadFileFlow, { path: `${dir.path}/secret.txt` });
  await assert.rejects(
    outside.result(),
    denied("w_read_file", "read", "read", `"${dir.path}/secret.txt"`),
  );
  const ownModule = new URL(WORKER_FLOWS_MODULE).pathname;
  const inside = await loom.engine.start(ReadFileFlow, { path: ownModule });
  await assert.rejects(inside.result(), denied("w_read_file", "read", "read", `"${ownModule}"`));
});

Deno.test("a workflow that reads the environment fails naming the env permission", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`);
  const handle = await loom.engine.start(EnvFlow, { name: "HOME" });
  await assert.rejects(handle.result(), denied("w_env", "env", "env", '"HOME"'));
});

Deno.test("Date and Math.random in workflow code give the activation's time and seeded values", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`, { workflowWorkers: 2 });
  const handles = await Promise.all(
    ["clock-a", "clock-b"].map((id) => loom.engine.start(ClockFlow, null, { workflowId: id })),
  );
  await Promise.all(handles.map((h) =>
    until(
      async () =>
        (await loom.engine.reader.eventsOf(h.workflowId)).some((e) => e.type === "SIGNAL_WAITING"),
      "the wait",
    )
  ));
  await new Promise((r) => setTimeout(r, 20));
  for (const h of handles) await h.signal("go", null);
  const [a, b] = await Promise.all(handles.map((h) => h.result()));
  for (const reading of [a!.first, a!.second, b!.first, b!.second]) {
    assert.equal(reading.dateNow, reading.ctxNow);
    assert.equal(reading.newDate, reading.ctxNow);
    assert.equal(reading.dateText, new Date(reading.ctxNow).toString());
    assert.notEqual(reading.random[0], reading.random[1]);
    assert.ok(reading.random.every((r) => r >= 0 && r < 1));
    assert.match(
      reading.uuid,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  }
  assert.ok(a!.second.ctxNow > a!.first.ctxNow, "the second activation has its own time");
  assert.notDeepEqual(a!.first.random, b!.first.random, "each workflow has its own sequence");
  assert.notDeepEqual(a!.first.random, a!.second.random, "the sequence moves on");
  const real = Date.now();
  assert.ok(Math.abs(real - a!.second.ctxNow) < 60_000, "outside workflow code the clock is real");
});

Deno.test("a workflow reading Date.now() and Math.random() replays the same values after a restart", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  {
    await using first = await poolEngine(kvPath);
    await first.engine.start(ClockFlow, null, { workflowId: "clock" });
    await until(
      async () =>
        (await first.engine.reader.eventsOf("clock")).some((e) => e.type === "SIGNAL_WAITING"),
      "the wait",
    );
  }
  await new Promise((r) => setTimeout(r, 30));
  await using second = await poolEngine(kvPath, {}, { cacheSize: 0 });
  await second.engine.getHandle("clock").signal("go", null);
  const state = await second.engine.getHandle<{ first: ClockReading; second: ClockReading }>(
    "clock",
  ).result();
  const recorded = (await second.engine.reader.eventsOf("clock")).find((e) =>
    e.type === "STATE_SET" && (e.payload as { key: string }).key === "first"
  );
  // The final state's "first" was computed again by the replay in a new Worker.
  assert.deepEqual(state.first, (recorded?.payload as { value: unknown }).value);
  assert.equal(state.first.dateNow, state.first.ctxNow);
  assert.ok(state.second.dateNow >= state.first.dateNow + 30);
});
