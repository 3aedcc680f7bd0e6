import assert from "node:assert/strict";
import { activity, activityContext, Registry } from "../../../engine/mod.ts";
import type { ActivityRequest } from "../../../engine/runtime/executor.ts";
import { runActivity } from "../../../engine/runtime/run_activity.ts";

const registry = new Registry();
activity({ name: "r_who", registry }, () => {
  const ctx = activityContext();
  return { id: ctx.activityId, name: ctx.activityName, attempt: ctx.attempt };
});
activity({ name: "r_wait", registry }, () => {
  const { signal } = activityContext();
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
});
activity({ name: "r_nothing", registry }, () => undefined);

function request(name: string, timeoutMs = 1_000): ActivityRequest {
  return { workflowId: "w", seq: 3, name, args: [], attempt: 2, timeoutMs };
}

Deno.test("runActivity() runs the attempt with its context and answers the result as data", async () => {
  const never = new AbortController().signal;
  assert.deepEqual(await runActivity(registry, request("r_who"), never), {
    ok: true,
    result: { id: "w:3", name: "r_who", attempt: 2 },
  });
  assert.deepEqual(await runActivity(registry, request("r_nothing"), never), {
    ok: true,
    result: null,
  });
});

Deno.test("runActivity() answers an unregistered activity, a timeout and an abort as errors", async () => {
  const never = new AbortController().signal;
  const missing = await runActivity(registry, request("r_missing"), never);
  assert.equal(
    !missing.ok && missing.error.message,
    'Activity "r_missing" is not registered in this process',
  );
  const late = await runActivity(registry, request("r_wait", 10), never);
  assert.equal(!late.ok && late.error.code, "ACTIVITY_TIMEOUT");
  const controller = new AbortController();
  const running = runActivity(registry, request("r_wait"), controller.signal);
  controller.abort(new Error("the run was cancelled"));
  const aborted = await running;
  assert.equal(!aborted.ok && aborted.error.message, "the run was cancelled");
});
