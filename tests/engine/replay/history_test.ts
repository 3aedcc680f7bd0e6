import assert from "node:assert/strict";
import { replay, WorkflowMachine } from "../../../engine/replay/mod.ts";
import {
  activity,
  defineWorkflow,
  type DefineWorkflowOptions,
  type JsonValue,
  NonDeterministicWorkflowError,
  Registry,
} from "../../../engine/mod.ts";
import { settle } from "../../../engine/runtime/settle.ts";
import { completed, Driver, fired } from "./_machine.ts";

const registry = new Registry();
const charge = activity({ name: "h_charge", registry }, () => 1);
const refund = activity({ name: "h_refund", registry }, () => 2);

const original = defineWorkflow({
  name: "h_flow",
  registry,
  steps: [
    async function pay(ctx) {
      await ctx.activity(charge);
      await ctx.sleep(10);
    },
    async function ship(ctx) {
      await ctx.state.set("shipped", true);
    },
  ],
});

async function recorded() {
  const d = new Driver(original);
  await d.start();
  await d.step(completed(1, 1, "h_charge"));
  await d.step(fired(2));
  return d.history;
}

function replayWith(
  steps: DefineWorkflowOptions<null, Record<string, JsonValue>>["steps"],
  name: string,
) {
  const definition = defineWorkflow({ name, registry, steps });
  return async () => {
    const machine = new WorkflowMachine({ workflowId: "wf-1", definition, input: null });
    await replay(machine, await recorded(), settle, { name, id: "wf-1" });
  };
}

Deno.test("replay() accepts the code that made the history", async () => {
  const machine = new WorkflowMachine({ workflowId: "wf-1", definition: original, input: null });
  await replay(machine, await recorded(), settle, { name: "h_flow", id: "wf-1" });
  assert.equal(machine.status, "COMPLETED");
});

Deno.test("replay() names the step, the recorded call and the call the code made", async () => {
  await assert.rejects(
    replayWith([
      async function pay(ctx) {
        await ctx.activity(refund);
        await ctx.sleep(10);
      },
      async function ship(ctx) {
        await ctx.state.set("shipped", true);
      },
    ], "h_changed_activity"),
    (e: unknown) => {
      assert.ok(e instanceof NonDeterministicWorkflowError);
      assert.equal(
        e.message,
        'Workflow "h_changed_activity" (id "wf-1") does not match its history in step "pay": history has ACTIVITY_SCHEDULED "h_charge" (seq 1), but the code made ACTIVITY_SCHEDULED "h_refund" (seq 1)',
      );
      return true;
    },
  );
});

Deno.test("replay() detects a call replaced by another kind", async () => {
  await assert.rejects(
    replayWith([
      async function pay(ctx) {
        await ctx.activity(charge);
        await ctx.waitForSignal("x");
      },
      function ship() {},
    ], "h_changed_kind"),
    /in step "pay": history has TIMER_SCHEDULED \(seq 2\), but the code made SIGNAL_WAITING "x" \(seq 2\)/,
  );
});

Deno.test("replay() detects renamed and removed steps", async () => {
  await assert.rejects(
    replayWith([
      async function payment(ctx) {
        await ctx.activity(charge);
        await ctx.sleep(10);
      },
      async function ship(ctx) {
        await ctx.state.set("shipped", true);
      },
    ], "h_renamed"),
    /history has STEP_START "pay", but the code made STEP_START "payment"/,
  );
  await assert.rejects(
    replayWith([async function pay(ctx) {
      await ctx.activity(charge);
    }], "h_removed"),
    /history has TIMER_SCHEDULED \(seq 2\), but the code made STEP_END "pay"/,
  );
});

Deno.test("replay() detects a changed state key and a call the history does not have", async () => {
  await assert.rejects(
    replayWith([
      async function pay(ctx) {
        await ctx.activity(charge);
        await ctx.sleep(10);
      },
      async function ship(ctx) {
        await ctx.state.set("sent", true);
      },
    ], "h_state_key"),
    /in step "ship": history has STATE_SET "shipped", but the code made STATE_SET "sent"/,
  );
  await assert.rejects(
    replayWith([
      async function pay(ctx) {
        await ctx.activity(charge);
        await ctx.activity(charge);
        await ctx.sleep(10);
      },
      function ship() {},
    ], "h_extra"),
    /history has TIMER_SCHEDULED \(seq 2\), but the code made ACTIVITY_SCHEDULED "h_charge" \(seq 2\)/,
  );
});
