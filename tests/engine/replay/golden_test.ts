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
