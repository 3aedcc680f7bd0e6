import assert from "node:assert/strict";
import { activity, defineWorkflow, Registry } from "../../../engine/mod.ts";
import { InIsolateExecutor } from "../../../engine/runtime/mod.ts";
import type { ActivationRequest } from "../../../engine/runtime/executor.ts";

const registry = new Registry();
const echo = activity({ name: "ie_echo", registry }, (s: string) => s);
defineWorkflow({
  name: "ie_wait",
  registry,
  steps: [async function wait(ctx) {
    await ctx.activity(echo, "x");
  }],
});

function start(workflowId: string, history?: []): ActivationRequest {
  return {
    workflowId,
    name: "ie_wait",
    version: "1.0.0",
    input: null,
    activation: {
      time: 1_000,
      inbound: [{
        type: "WORKFLOW_STARTED",
        payload: { input: null, workflow_name: "ie_wait", version: "1.0.0" },
      }],
    },
    ...(history === undefined ? {} : { history }),
  };
}

Deno.test("InIsolateExecutor holds live instances until evicted or closed", async () => {
  const executor = new InIsolateExecutor({ registry, cacheSize: 2 });
  assert.deepEqual((await executor.activate([start("a")])).map((r) => r.kind), ["needHistory"]);
  await executor.activate([start("a", []), start("b", []), start("c", [])]);
  assert.equal(executor.cached, 2, "the cache size bounds it");
  executor.evict("c");
  assert.equal(executor.cached, 1);
  await executor.close();
  assert.equal(executor.cached, 0);
});

Deno.test("InIsolateExecutor runs activity attempts in this isolate", async () => {
  const executor = new InIsolateExecutor({ registry });
  const result = await executor.runActivity(
    { workflowId: "a", seq: 1, name: "ie_echo", args: ["hi"], attempt: 1, timeoutMs: 1_000 },
    new AbortController().signal,
  );
  assert.deepEqual(result, { ok: true, result: "hi" });
});
