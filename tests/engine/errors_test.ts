import assert from "node:assert/strict";
import {
  ActivityFailedError,
  deserializeError,
  ensureError,
  ErrorCode,
  LoomError,
  serializeError,
  WorkflowCancelledError,
  WorkflowNotRunningError,
} from "../../engine/errors.ts";

Deno.test("serializeError()/deserializeError() keep class, code, details and cause", () => {
  const original = new ActivityFailedError("charge", "card declined", {
    cause: new RangeError("limit"),
  });
  const copy = deserializeError(JSON.parse(JSON.stringify(serializeError(original))));
  assert.ok(copy instanceof ActivityFailedError);
  assert.ok(copy instanceof LoomError);
  assert.equal(copy.activityName, "charge");
  assert.equal(copy.errorMessage, "card declined");
  assert.equal(copy.code, ErrorCode.ActivityFailed);
  assert.equal(copy.message, 'Activity "charge" failed: card declined');
  assert.equal((copy.cause as Error).name, "RangeError");
  assert.equal((copy.cause as Error).message, "limit");
});

Deno.test("deserializeError() rebuilds each known code as its class", () => {
  const cancelled = deserializeError(serializeError(new WorkflowCancelledError("bye")));
  assert.ok(cancelled instanceof WorkflowCancelledError);
  assert.equal(cancelled.reason, "bye");
  const notRunning = deserializeError(
    serializeError(new WorkflowNotRunningError("signal", "w", "COMPLETED")),
  );
  assert.ok(notRunning instanceof WorkflowNotRunningError);
  assert.equal(notRunning.status, "COMPLETED");
  const plain = deserializeError({ name: "TypeError", message: "x" });
  assert.equal(plain.name, "TypeError");
  assert.ok(!(plain instanceof LoomError));
});

Deno.test("ensureError() wraps values that are not errors", () => {
  assert.equal(ensureError("text").message, "Non-error value thrown: text");
  assert.equal(ensureError({ a: 1 }).message, 'Non-error value thrown: {"a":1}');
  const e = new Error("same");
  assert.equal(ensureError(e), e);
});

Deno.test("serializeError() cuts very long messages and stacks so they fit a KV value", () => {
  const e = new Error("x".repeat(100_000));
  const data = serializeError(e);
  assert.ok(data.message.length < 5000);
  assert.ok(data.message.endsWith("… (truncated)"));
  assert.ok((data.stack ?? "").length < 5000);
});

Deno.test("instanceof recognises the errors of another copy of Loom, by class", async () => {
  // A second instance of the module, as when main.ts is imported by path and by URL.
  const other = await import(
    "../../engine/errors.ts?second-copy"
  ) as typeof import("../../engine/errors.ts");
  assert.notEqual(other.WorkflowCancelledError, WorkflowCancelledError, "a distinct copy");
  const theirs = new other.WorkflowCancelledError("w-1");
  assert.ok(theirs instanceof WorkflowCancelledError);
  assert.ok(theirs instanceof LoomError);
  assert.ok(theirs instanceof Error);
  assert.ok(!(theirs instanceof ActivityFailedError), "another class is not matched");
  assert.ok(new WorkflowCancelledError("w-2") instanceof other.LoomError, "and the other way");
  assert.ok(!(new Error("plain") instanceof LoomError));
  const impostor = Object.assign(new Error("x"), { code: ErrorCode.WorkflowCancelled });
  assert.ok(!(impostor instanceof WorkflowCancelledError), "not a Loom error: not matched");
  assert.ok(!LoomError[Symbol.hasInstance](null) && !LoomError[Symbol.hasInstance]("text"));
});
