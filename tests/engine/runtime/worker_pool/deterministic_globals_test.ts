import assert from "node:assert/strict";
import { activity, defineWorkflow, Registry } from "../../../../engine/mod.ts";
import type { HistoryEntry, WorkflowEvent } from "../../../../engine/replay/mod.ts";
import type { ActivationResponse } from "../../../../engine/runtime/executor.ts";
import { WorkflowHost } from "../../../../engine/runtime/workflow_host.ts";
import {
  deterministicScope,
  installDeterministicGlobals,
} from "../../../../engine/runtime/worker_pool/deterministic_globals.ts";
import { completed } from "../../replay/_machine.ts";

installDeterministicGlobals();

const registry = new Registry();
const noop = activity({ name: "dg_noop", registry }, () => null);
const seen: { now: number; random: number; uuid: string }[] = [];

defineWorkflow({
  name: "dg_globals",
  registry,
  steps: [async function look(ctx) {
    seen.push({ now: Date.now(), random: Math.random(), uuid: crypto.randomUUID() });
    await ctx.activity(noop);
    seen.push({ now: new Date().getTime(), random: Math.random(), uuid: crypto.randomUUID() });
  }],
});

const START: WorkflowEvent = {
  type: "WORKFLOW_STARTED",
  payload: { input: null, workflow_name: "dg_globals", version: "1.0.0" },
};

function request(time: number, inbound: WorkflowEvent[], history?: HistoryEntry[]) {
  return {
    workflowId: "dg-1",
    name: "dg_globals",
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

Deno.test("deterministicScope gives workflow code its activation time and seeded randomness, in replay too", async () => {
  const options = { registry, scope: deterministicScope };
  const live = new WorkflowHost(options);
  const out = output((await live.activate([request(1_000, [START], [])]))[0]);
  const history: HistoryEntry[] = [{
    kind: "activation",
    time: 1_000,
    events: [...out.inbound, ...out.outbound],
  }];
  await live.activate([request(5_000, [completed(1, null, "dg_noop")])]);
  const first = seen.splice(0);
  assert.equal(first.length, 2);
  assert.deepEqual(first.map((s) => s.now), [1_000, 5_000]);
  assert.notEqual(first[0]?.random, first[1]?.random);

  await new WorkflowHost(options).activate([
    request(5_000, [completed(1, null, "dg_noop")], history),
  ]);
  assert.deepEqual(seen.splice(0), first, "a replay sees the same time and values");
  assert.ok(Math.abs(Date.now() - new Date().getTime()) < 1_000, "outside a workflow: real time");
});
