import assert from "node:assert/strict";
import {
  describeEvent,
  isInbound,
  isoTime,
  sameCall,
  type WorkflowEvent,
} from "../../../engine/replay/events.ts";

const scheduled = (seq: number, name: string): WorkflowEvent => ({
  type: "ACTIVITY_SCHEDULED",
  payload: {
    seq,
    name,
    description: "",
    retry_count: 0,
    timeout_seconds: 60,
    func: name,
    module: "",
    args: [seq],
  },
});

Deno.test("isInbound() tells resolutions from the events the code makes", () => {
  assert.equal(
    isInbound({ type: "SIGNAL_RECEIVED", payload: { name: "a", payload: 1, sent_at: "" } }),
    true,
  );
  assert.equal(
    isInbound({ type: "STEP_START", payload: { step_name: "s", step_fn: "s", started_at: "" } }),
    false,
  );
});

Deno.test("describeEvent() names an event by what replay matches it on", () => {
  assert.equal(describeEvent(scheduled(2, "charge")), 'ACTIVITY_SCHEDULED "charge" (seq 2)');
  assert.equal(
    describeEvent({ type: "STATE_SET", payload: { key: "k", value: 1 } }),
    'STATE_SET "k"',
  );
  assert.equal(
    describeEvent({ type: "WORKFLOW_COMPLETED", payload: { completed_at: "" } }),
    "WORKFLOW_COMPLETED",
  );
});

Deno.test("sameCall() compares identity (type, name, seq), not values", () => {
  const a = scheduled(1, "charge");
  const b = {
    ...scheduled(1, "charge"),
    payload: { ...scheduled(1, "charge").payload, args: [99] },
  };
  assert.equal(sameCall(a, b as WorkflowEvent), true);
  assert.equal(sameCall(a, scheduled(2, "charge")), false);
  assert.equal(sameCall(a, scheduled(1, "refund")), false);
});

Deno.test("isoTime() formats milliseconds as ISO 8601 UTC", () => {
  assert.equal(isoTime(0), "1970-01-01T00:00:00.000Z");
});
