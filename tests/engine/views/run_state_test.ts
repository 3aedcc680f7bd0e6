import assert from "node:assert/strict";
import { stateFromEvents } from "../../../engine/views/mod.ts";

Deno.test("stateFromEvents() applies STATE_SET keys and STATE_UPDATE states in order", () => {
  const state = stateFromEvents([
    { type: "WORKFLOW_STARTED", payload: { input: {} } },
    { type: "STATE_SET", payload: { key: "a", value: 1 } },
    { type: "STATE_SET", payload: { key: "b", value: [2] } },
    { type: "STATE_SET", payload: { key: "a", value: 3 } },
  ]);
  assert.equal(JSON.stringify(state), '{"a":3,"b":[2]}', "a key keeps its place");
  assert.deepEqual(
    stateFromEvents([
      { type: "STATE_SET", payload: { key: "a", value: 1 } },
      { type: "STATE_UPDATE", payload: { state: { z: true } } },
      { type: "STATE_SET", payload: { key: "y", value: null } },
    ]),
    { z: true, y: null },
  );
  assert.deepEqual(stateFromEvents([]), {});
});

Deno.test("stateFromEvents() skips payloads of another shape and keeps odd keys as data", () => {
  const state = stateFromEvents([
    { type: "STATE_SET", payload: null },
    { type: "STATE_SET", payload: { key: 5, value: 1 } },
    { type: "STATE_UPDATE", payload: "nope" },
    { type: "STATE_SET", payload: { key: "__proto__", value: { x: 1 } } },
  ]);
  assert.equal(Object.getPrototypeOf(state), Object.prototype);
  assert.equal(JSON.stringify(state), '{"__proto__":{"x":1}}');
});

Deno.test("stateFromEvents() does not share the state of a STATE_UPDATE event", () => {
  const payload = { state: { a: 1 } };
  const state = stateFromEvents([{ type: "STATE_UPDATE", payload }]);
  state.b = 2;
  assert.deepEqual(payload.state, { a: 1 });
});
