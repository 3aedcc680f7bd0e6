import assert from "node:assert/strict";
import { keys, readStream } from "../../../store/mod.ts";

/** Stores history entry `r` of run `w` with the events given, as `pack` does. */
async function entry(kv: Deno.Kv, r: number, time: number, events: unknown[]): Promise<void> {
  await kv.set(keys.history("w", r), {
    r,
    kind: "activation",
    time,
    firstEventId: r * 10,
    json: JSON.stringify(events),
  });
}

const appended = (name: string, index: number) => ({
  type: "STREAM_APPENDED",
  payload: { name, index, value: `${name}${index}` },
});

Deno.test("readStream() reads a stream's values from the history entries its index names", async () => {
  using kv = await Deno.openKv(":memory:");
  await entry(kv, 0, 10, [
    { type: "WORKFLOW_STARTED", payload: {} },
    appended("a", 0),
    appended("b", 0),
    appended("a", 1),
  ]);
  await entry(kv, 1, 20, [{ type: "TIMER_FIRED", payload: {} }]);
  await entry(kv, 2, 30, [appended("a", 2), appended("a", 3), appended("a", 4)]);
  await kv.set(keys.stream("w", "a", 0), { r: 0, count: 2, time: 10 });
  await kv.set(keys.stream("w", "b", 0), { r: 0, count: 1, time: 10 });
  await kv.set(keys.stream("w", "a", 2), { r: 2, count: 3, time: 30 });
  const all = await readStream(kv, "w", "a");
  assert.deepEqual(all, [
    { index: 0, value: "a0", time: 10 },
    { index: 1, value: "a1", time: 10 },
    { index: 2, value: "a2", time: 30 },
    { index: 3, value: "a3", time: 30 },
    { index: 4, value: "a4", time: 30 },
  ]);
  assert.deepEqual((await readStream(kv, "w", "a", 0)).map((v) => v.index), [1, 2, 3, 4]);
  assert.deepEqual((await readStream(kv, "w", "a", 2)).map((v) => v.index), [3, 4]);
  assert.deepEqual((await readStream(kv, "w", "a", 1, 2)).map((v) => v.index), [2, 3], "limit");
  assert.deepEqual(await readStream(kv, "w", "a", 4), []);
  assert.deepEqual((await readStream(kv, "w", "b")).map((v) => v.value), ["b0"]);
  assert.deepEqual(await readStream(kv, "w", "none"), []);
  assert.deepEqual(await readStream(kv, "other", "a"), []);
});
