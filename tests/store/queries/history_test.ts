import assert from "node:assert/strict";
import type { HistoryRecord } from "../../../store/mod.ts";
import { decodeHistory, historyEvents } from "../../../store/queries/mod.ts";

const head = { r: 2, kind: "activation" as const, time: 5000, firstEventId: 7 };

Deno.test("historyEvents() numbers each entry's events from its first global id", () => {
  const entries: HistoryRecord[] = [
    { ...head, events: [{ type: "A", payload: 1 }, { type: "B", payload: null }] },
    { r: 3, kind: "info", time: 6000, firstEventId: 9, events: [{ type: "C", payload: {} }] },
  ];
  assert.deepEqual(historyEvents("run", entries), [
    { id: 7, workflowId: "run", type: "A", payload: 1, createdAt: 5000 },
    { id: 8, workflowId: "run", type: "B", payload: null, createdAt: 5000 },
    { id: 9, workflowId: "run", type: "C", payload: {}, createdAt: 6000 },
  ]);
  assert.deepEqual(historyEvents("run", []), []);
});

Deno.test("decodeHistory() reads events stored as JSON text or as a value", async () => {
  using kv = await Deno.openKv(":memory:");
  const events = [{ type: "A", payload: { n: 1 } }];
  assert.deepEqual(
    await decodeHistory(kv, "run", { ...head, json: JSON.stringify(events) }),
    { ...head, events },
  );
  assert.deepEqual(await decodeHistory(kv, "run", { ...head, events }), { ...head, events });
  assert.deepEqual(await decodeHistory(kv, "run", { ...head }), { ...head, events: [] });
});
