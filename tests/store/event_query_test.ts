import assert from "node:assert/strict";
import { createEngine } from "../../engine/mod.ts";
import {
  countEvents,
  countLogs,
  listAllTasks,
  queryEvents,
  queryLogs,
  type StoredEvent,
} from "../../store/mod.ts";
import { ClassFlow, SeqFlow } from "../fixtures/flows.ts";

async function withHistory(
  fn: (store: Awaited<ReturnType<typeof createEngine>>["store"], ids: string[]) => Promise<void>,
): Promise<void> {
  await using engine = await createEngine({ kvPath: ":memory:" });
  const a = await engine.start(ClassFlow, { x: 1 }, { workflowId: "a" });
  await a.result();
  const b = await engine.start(SeqFlow, { n: 2 }, { workflowId: "b" });
  await b.result();
  await fn(engine.store, ["a", "b"]);
}

const idsOf = (events: StoredEvent[]) => events.map((e) => e.id);

Deno.test("listEvents after an id in the middle of a history entry misses nothing", () =>
  withHistory(async (store) => {
    const all = await store.listEvents({ limit: 1000 });
    assert.deepEqual(idsOf(all), all.map((_, i) => i + 1), "ids are dense from 1");
    for (let after = 0; after < all.length; after++) {
      const rest = await store.listEvents({ after, limit: 1000 });
      assert.deepEqual(idsOf(rest), idsOf(all).filter((id) => id > after), `after ${after}`);
    }
  }));

Deno.test("queryEvents filters by run, type, time and id, in both orders, with offset", () =>
  withHistory(async (store) => {
    const all = (await queryEvents(store, {}, { limit: 1000 })).items;
    const ofB = await queryEvents(store, { workflowId: "b" }, { limit: 1000 });
    assert.deepEqual(idsOf(ofB.items), idsOf(all.filter((e) => e.workflowId === "b")));
    const steps = await queryEvents(store, { types: ["STEP_START"] }, { limit: 10 });
    assert.deepEqual(steps.items.map((e) => e.workflowId), ["a", "a", "b"]);
    const newest = await queryEvents(store, {}, { newestFirst: true, limit: 3 });
    assert.deepEqual(idsOf(newest.items), idsOf(all).reverse().slice(0, 3));
    assert.equal(newest.more, true);
    const page2 = await queryEvents(store, {}, { offset: 3, limit: 3 });
    assert.deepEqual(idsOf(page2.items), idsOf(all).slice(3, 6));
    const after = await queryEvents(store, { afterId: 5 }, { limit: 1000 });
    assert.deepEqual(idsOf(after.items), idsOf(all).filter((id) => id > 5));
    const future = await queryEvents(store, { since: Date.now() + 60_000 }, { limit: 10 });
    assert.deepEqual(future.items, []);
    const past = await queryEvents(store, { since: 0, workflowId: "a" }, { limit: 1000 });
    assert.equal(past.items.length, all.filter((e) => e.workflowId === "a").length);
  }));

Deno.test("countEvents counts with and without filters", () =>
  withHistory(async (store) => {
    const all = (await queryEvents(store, {}, { limit: 1000 })).items;
    assert.equal(await countEvents(store, {}), all.length);
    assert.equal(await countEvents(store, { afterId: 4 }), all.length - 4);
    assert.equal(await countEvents(store, { types: ["ACTIVITY_COMPLETED"] }), 4);
    assert.equal(
      await countEvents(store, { workflowId: "a" }),
      all.filter((e) => e.workflowId === "a").length,
    );
    assert.equal(await countEvents(store, { since: Date.now() + 60_000 }), 0);
  }));

Deno.test("queryLogs and countLogs filter by run, level and time; listAllTasks by status and kind", () =>
  withHistory(async (store) => {
    const logs = await queryLogs(store, {}, { limit: 10 });
    assert.deepEqual(logs.items.map((l) => l.message), ["second step done", "first step"]);
    const oldest = await queryLogs(store, {}, { limit: 1, oldestFirst: true });
    assert.deepEqual(oldest.items.map((l) => l.message), ["first step"]);
    assert.equal(oldest.more, true);
    assert.equal(await countLogs(store, { levels: ["WARNING"] }), 1);
    assert.equal(await countLogs(store, { workflowId: "b" }), 0);
    assert.equal(await countLogs(store, { since: Date.now() + 60_000 }), 0);
    const activities = await listAllTasks(store, { kinds: ["ACTIVITY"] });
    assert.equal(activities.length, 4);
    assert.deepEqual(
      (await listAllTasks(store, { workflowId: "b", kinds: ["STEP"] })).map((t) => t.status),
      ["COMPLETED"],
    );
    assert.equal((await listAllTasks(store, { statuses: ["PENDING"] })).length, 0);
  }));
