import assert from "node:assert/strict";
import { attemptOutcome, backoffMs, isRetryable } from "../../../engine/runtime/retry_policy.ts";
import type { ActivityDefinition } from "../../../engine/replay/definitions.ts";

const def: ActivityDefinition = {
  name: "add",
  description: "",
  retryCount: 2,
  timeoutSeconds: 60,
  retry: {
    initialIntervalMs: 100,
    backoffCoefficient: 2,
    maxIntervalMs: 300,
    nonRetryable: ["TypeError", "NOPE"],
  },
  func: "add",
  module: "",
  fn: () => 0,
};

Deno.test("backoffMs() grows by the coefficient and stops at the maximum", () => {
  assert.deepEqual([1, 2, 3, 4].map((a) => backoffMs(def.retry, a)), [100, 200, 300, 300]);
});

Deno.test("isRetryable() needs attempts left and an error the policy does not exclude", () => {
  const error = { name: "Error", message: "x" };
  assert.equal(isRetryable(def, 1, error), true);
  assert.equal(isRetryable(def, 2, error), true);
  assert.equal(isRetryable(def, 3, error), false, "retryCount 2: three attempts in all");
  assert.equal(isRetryable(def, 1, { name: "TypeError", message: "x" }), false);
  assert.equal(isRetryable(def, 1, { name: "Error", message: "x", code: "NOPE" }), false);
  assert.equal(isRetryable(def, 1, { ...error, code: "INVALID_PAYLOAD" }), false);
  assert.equal(isRetryable(undefined, 1, error), false, "an unregistered activity");
});

Deno.test("attemptOutcome() completes, retries after the back-off, or fails for good", () => {
  const call = { seq: 4, name: "add", attempt: 1 };
  assert.deepEqual(attemptOutcome(call, def, { ok: true, result: 5 }, 1000), {
    kind: "resolve",
    event: {
      type: "ACTIVITY_COMPLETED",
      payload: { seq: 4, name: "add", result: 5, attempt: 1 },
    },
  });
  const error = { name: "Error", message: "boom" };
  assert.deepEqual(attemptOutcome(call, def, { ok: false, error }, 1000), {
    kind: "retry",
    at: 1100,
    event: {
      type: "ACTIVITY_RETRYING",
      payload: {
        seq: 4,
        name: "add",
        attempt: 1,
        error: "boom",
        next_attempt_at: new Date(1100).toISOString(),
        next_attempt_at_ms: 1100,
      },
    },
  });
  assert.deepEqual(attemptOutcome({ ...call, attempt: 3 }, def, { ok: false, error }, 1000), {
    kind: "resolve",
    event: {
      type: "ACTIVITY_FAILED",
      payload: { seq: 4, name: "add", error: "boom", error_detail: error, attempts: 3 },
    },
  });
});
