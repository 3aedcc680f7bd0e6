import assert from "node:assert/strict";
import {
  type HistoryEntry,
  pendingWork,
  replay,
  WorkflowMachine,
} from "../../../engine/replay/mod.ts";
import { defaultRegistry } from "../../../engine/mod.ts";
import { settle } from "../../../engine/runtime/settle.ts";
import "../../../examples/mod.ts";

interface Golden {
  workflow: string;
  version: string;
  workflowId: string;
  input: never;
  history: HistoryEntry[];
}

for (const name of ["order", "approval", "fanout", "assessment"]) {
  Deno.test(`golden history "${name}" still replays with the current code`, async () => {
    const golden = JSON.parse(
      await Deno.readTextFile(new URL(`../../golden/${name}.json`, import.meta.url)),
    ) as Golden;
    const definition = defaultRegistry.getWorkflow(golden.workflow, golden.version);
    const machine = new WorkflowMachine({
      workflowId: golden.workflowId,
      definition,
      input: golden.input,
    });
    await replay(machine, golden.history, settle, {
      name: golden.workflow,
      id: golden.workflowId,
    });
    assert.equal(machine.status, "COMPLETED");
    assert.equal(pendingWork(golden.history).status, "COMPLETED");
  });
}

for (const name of ["hook", "hook_early", "hook_timeout", "stream"]) {
  Deno.test(`golden history "${name}" (hooks, run streams) still replays, with its recorded tokens`, async () => {
    const { HookFlow, StreamFlow } = await import("../../fixtures/hook_flows.ts");
    const golden = JSON.parse(
      await Deno.readTextFile(new URL(`../../golden/${name}.json`, import.meta.url)),
    ) as Golden;
    const definition = name === "stream" ? StreamFlow : HookFlow;
    assert.equal(definition.name, golden.workflow);
    const machine = new WorkflowMachine({
      workflowId: golden.workflowId,
      definition,
      input: golden.input,
    });
    await replay(machine, golden.history, settle, {
      name: golden.workflow,
      id: golden.workflowId,
    });
    assert.equal(machine.status, "COMPLETED");
    assert.equal(pendingWork(golden.history).status, "COMPLETED");
    const events = golden.history.flatMap((h) => h.events);
    const created = events.find((e) => e.type === "HOOK_CREATED");
    if (created?.type === "HOOK_CREATED") {
      // The code got the token history recorded, not one of its own.
      assert.equal(machine.stateSnapshot().token, created.payload.token);
    } else {
      const written = events.filter((e) => e.type === "STREAM_APPENDED").map((e) => e.payload);
      assert.deepEqual(written.map((p) => (p as { index: number }).index), [0, 1, 2, 0]);
    }
  });
}
