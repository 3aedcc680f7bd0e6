import assert from "node:assert/strict";
import { REPEAT_WINDOW_MS, signalEffect } from "../../cli/_stop.ts";

Deno.test("signalEffect(): the first signal stops, one soon after repeats it, a later one forces", () => {
  assert.equal(signalEffect(undefined, 5_000), "stop");
  assert.equal(signalEffect(5_000, 5_000), "repeat");
  assert.equal(signalEffect(5_000, 5_000 + REPEAT_WINDOW_MS - 1), "repeat");
  assert.equal(signalEffect(5_000, 5_000 + REPEAT_WINDOW_MS), "force");
  assert.equal(signalEffect(5_000, 60_000), "force");
});
