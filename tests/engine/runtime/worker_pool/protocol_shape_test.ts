import assert from "node:assert/strict";
import { fromWorkerProblem } from "../../../../engine/runtime/worker_pool/protocol.ts";

Deno.test("the main isolate's shape check of Worker messages", () => {
  const error = { name: "Error", message: "m" };
  const output = { inbound: [], outbound: [], outboundSteps: [], logs: [], status: "RUNNING" };
  for (
    const good of [
      { type: "ready", summary: { workflows: {}, activities: {} } },
      { type: "initFailed", module: "m", error },
      {
        type: "activated",
        id: 1,
        responses: [{ kind: "output", output }, { kind: "needHistory" }],
      },
      { type: "activated", id: 2, responses: [{ kind: "error", error }] },
      { type: "replayed", id: 3 },
      { type: "activityDone", id: 4, result: { ok: true, result: null } },
      { type: "activityDone", id: 4, result: { ok: false, error } },
      { type: "fatal", error },
    ]
  ) assert.equal(fromWorkerProblem(good), undefined, JSON.stringify(good));
  const bad: [unknown, RegExp][] = [
    [{}, /unknown type/],
    [null, /not an object/],
    [42, /not an object/],
    [{ type: "activated", id: "1", responses: [] }, /without an id/],
    [{ type: "activated", id: 1 }, /without an id or answers/],
    [{ type: "activated", id: 1, responses: [{}] }, /unknown kind/],
    [{ type: "activated", id: 1, responses: [{ kind: "output", output: {} }] }, /wrong shape/],
    [{ type: "activated", id: 1, responses: [{ kind: "error" }] }, /without an error/],
    [{ type: "activityDone", id: 1, result: { ok: false } }, /wrong shape/],
    [{ type: "activityDone", id: 1 }, /without an id or result/],
    [{ type: "fatal" }, /without an error/],
    [{ type: "ready" }, /without a registry summary/],
    [{ type: "replayed" }, /without an id/],
  ];
  for (const [message, problem] of bad) {
    assert.match(fromWorkerProblem(message) ?? "", problem, JSON.stringify(message));
  }
});
