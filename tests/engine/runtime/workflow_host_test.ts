import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { activity, defineWorkflow, Registry } from "../../../engine/mod.ts";
import type { HistoryEntry, WorkflowEvent } from "../../../engine/replay/mod.ts";
import type { ActivationRequest, ActivationResponse } from "../../../engine/runtime/executor.ts";
import { WorkflowHost } from "../../../engine/runtime/workflow_host.ts";
import { completed } from "../replay/_machine.ts";

const registry = new Registry();
const inc = activity({ name: "h_inc", registry }, (n: number) => n + 1);
const storage = new AsyncLocalStorage<string>();
const seen: [string, string | undefined][] = [];

defineWorkflow<null, { total: number }>({
  name: "h_twice",
  registry,
  steps: [async function twice(ctx) {
    seen.push(["before", storage.getStore()]);
    const x = await ctx.activity(inc, 0);
    seen.push(["after", storage.getStore()]);
    await ctx.state.set("total", await ctx.activity(inc, x));
  }],
});

const START: WorkflowEvent = {
  type: "WORKFLOW_STARTED",
  payload: { input: null, workflow_name: "h_twice", version: "1.0.0" },
};

function request(
  workflowId: string,
  time: number,
  inbound: WorkflowEvent[],
  history?: HistoryEntry[],
): ActivationRequest {
  return {
    workflowId,
    name: "h_twice",
    version: "1.0.0",
    input: null,
    activation: { time, inbound },
    ...(history === undefined ? {} : { history }),
  };
}

function output(response: ActivationResponse | undefined) {
  assert.equal(response?.kind, "output", JSON.stringify(response));
  return (response as Extract<ActivationResponse, { kind: "output" }>).output;
}

/** Starts a run in `host` and returns its history so far. */
async function started(host: WorkflowHost, workflowId: string): Promise<HistoryEntry[]> {
  const [answer] = await host.activate([request(workflowId, 1_000, [START], [])]);
  const out = output(answer);
  return [{ kind: "activation", time: 1_000, events: [...out.inbound, ...out.outbound] }];
}

Deno.test("WorkflowHost.activate() answers needHistory for a run it does not hold and no history", async () => {
  const host = new WorkflowHost({ registry });
  assert.deepEqual(await host.activate([request("w-none", 1_000, [START])]), [
    { kind: "needHistory" },
  ]);
  await started(host, "w-live");
  const answers = await host.activate([
    request("w-live", 2_000, [completed(1, 1, "h_inc")]),
    request("w-none", 2_000, [completed(1, 1, "h_inc")]),
  ]);
  assert.deepEqual(output(answers[0]).outbound.map((e) => e.type), ["ACTIVITY_SCHEDULED"]);
  assert.deepEqual(answers[1], { kind: "needHistory" });
});

Deno.test("WorkflowHost.activate() replays history on a miss and answers as the live instance", async () => {
  const live = new WorkflowHost({ registry });
  const history = await started(live, "w-1");
  const next = [completed(1, 1, "h_inc")];
  const [fromMemory] = await live.activate([request("w-1", 2_000, next)]);
  const fresh = new WorkflowHost({ registry });
  const [fromReplay] = await fresh.activate([request("w-1", 2_000, next, history)]);
  assert.deepEqual(output(fromReplay), output(fromMemory));
  assert.equal(fresh.size, 1, "the replayed instance is kept");
  const [resumed] = await fresh.activate([request("w-1", 3_000, [completed(2, 2, "h_inc")])]);
  assert.equal(output(resumed).status, "COMPLETED");
  assert.deepEqual(output(resumed).state, { total: 2 });
  assert.equal(fresh.size, 0, "a finished run is dropped");
});

Deno.test("WorkflowHost.activate() answers an error when the history does not match the code", async () => {
  const recorded = await started(new WorkflowHost({ registry }), "w-bad");
  const history = recorded.map((entry) => ({
    ...entry,
    events: entry.events.map((e) =>
      e.type === "ACTIVITY_SCHEDULED" ? { ...e, payload: { ...e.payload, name: "h_other" } } : e
    ),
  }));
  const host = new WorkflowHost({ registry });
  const [answer] = await host.activate([request("w-bad", 2_000, [], history)]);
  assert.equal(answer?.kind, "error");
  assert.equal(answer.kind === "error" && answer.error.code, "NON_DETERMINISTIC");
  assert.equal(host.size, 0);
});

Deno.test("WorkflowHost evicts the least recently used instance beyond its cache size", async () => {
  const host = new WorkflowHost({ registry, cacheSize: 2 });
  await started(host, "a");
  await started(host, "b");
  output((await host.activate([request("a", 2_000, [])]))[0]);
  await started(host, "c");
  assert.equal(host.size, 2);
  const answers = await host.activate([
    request("a", 3_000, []),
    request("b", 3_000, []),
    request("c", 3_000, []),
  ]);
  assert.deepEqual(answers.map((a) => a.kind), ["output", "needHistory", "output"]);
  host.evict("a");
  assert.deepEqual((await host.activate([request("a", 4_000, [])]))[0], { kind: "needHistory" });
  host.clear();
  assert.equal(host.size, 0);
});

Deno.test("WorkflowHost runs replay and every delivery inside the instance's scope", async () => {
  const made: string[] = [];
  const scoped = {
    registry,
    scope: (_machine: unknown, workflowId: string) => {
      made.push(workflowId);
      return <T>(fn: () => T): T => storage.run(workflowId, fn);
    },
  };
  seen.length = 0;
  const first = new WorkflowHost(scoped);
  const history = await started(first, "s-1");
  assert.deepEqual(seen, [["before", "s-1"]], "the first delivery runs in the scope");
  seen.length = 0;
  await first.activate([request("s-1", 2_000, [completed(1, 1, "h_inc")])]);
  assert.deepEqual(seen, [["after", "s-1"]], "a delivery to a live instance runs in the scope");
  seen.length = 0;
  const second = new WorkflowHost(scoped);
  await second.activate([request("s-1", 2_000, [completed(1, 1, "h_inc")], history)]);
  assert.deepEqual(seen, [["before", "s-1"], ["after", "s-1"]], "replay runs in the scope");
  assert.deepEqual(made, ["s-1", "s-1"], "one scope per instance");
  seen.length = 0;
  await started(new WorkflowHost({ registry }), "s-2");
  assert.deepEqual(seen, [["before", undefined]], "without the hook the code runs as it is");
});

Deno.test("WorkflowHost passes every output through the explain hook", async () => {
  const host = new WorkflowHost({
    registry,
    explain: (out) => ({ ...out, state: { explained: true } }),
  });
  const [answer] = await host.activate([request("e-1", 1_000, [START], [])]);
  assert.deepEqual(output(answer).state, { explained: true });
});
