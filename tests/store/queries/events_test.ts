import assert from "node:assert/strict";
import type { StoredEvent } from "../../../store/mod.ts";
import { countEvents, getEvent, queryEvents } from "../../../store/queries/mod.ts";
import { withHistory } from "./_history.ts";

const idsOf = (events: StoredEvent[]) => events.map((e) => e.id);

Deno.test("queryEvents after an id in the middle of a history entry misses nothing", () =>
  withHistory(async (kv) => {
    const all = (await queryEvents(kv, {}, { limit: 1000 })).items;
    assert.deepEqual(idsOf(all), all.map((_, i) => i + 1), "ids are dense from 1");
    for (let after = 0; after < all.length; after++) {
      const rest = (await queryEvents(kv, { afterId: after }, { limit: 1000 })).items;
      assert.deepEqual(idsOf(rest), idsOf(all).filter((id) => id > after), `after ${after}`);
    }
  }));

Deno.test("queryEvents filters by run, type, time and id, in both orders, with offset", () =>
  withHistory(async (kv) => {
    const all = (await queryEvents(kv, {}, { limit: 1000 })).items;
    const ofB = await queryEvents(kv, { workflowId: "b" }, { limit: 1000 });
    assert.deepEqual(idsOf(ofB.items), idsOf(all.filter((e) => e.workflowId === "b")));
    const steps = await queryEvents(kv, { types: ["STEP_START"] }, { limit: 10 });
    assert.deepEqual(steps.items.map((e) => e.workflowId), ["a", "a", "b"]);
    const newest = await queryEvents(kv, {}, { newestFirst: true, limit: 3 });
    assert.deepEqual(idsOf(newest.items), idsOf(all).reverse().slice(0, 3));
    assert.equal(newest.more, true);
    const page2 = await queryEvents(kv, {}, { offset: 3, limit: 3 });
    assert.deepEqual(idsOf(page2.items), idsOf(all).slice(3, 6));
    const after = await queryEvents(kv, { afterId: 5 }, { limit: 1000 });
    assert.deepEqual(idsOf(after.items), idsOf(all).filter((id) => id > 5));
    const future = await queryEvents(kv, { since: Date.now() + 60_000 }, { limit: 10 });
    assert.deepEqual(future.items, []);
    const past = await queryEvents(kv, { since: 0, workflowId: "a" }, { limit: 1000 });
    assert.equal(past.items.length, all.filter((e) => e.workflowId === "a").length);
  }));

Deno.test("countEvents counts with and without filters", () =>
  withHistory(async (kv) => {
    const all = (await queryEvents(kv, {}, { limit: 1000 })).items;
    assert.equal(await countEvents(kv, {}), all.length);
    assert.equal(await countEvents(kv, { afterId: 4 }), all.length - 4);
    assert.equal(await countEvents(kv, { types: ["ACTIVITY_COMPLETED"] }), 4);
    assert.equal(
      await countEvents(kv, { workflowId: "a" }),
      all.filter((e) => e.workflowId === "a").length,
    );
    assert.equal(await countEvents(kv, { since: Date.now() + 60_000 }), 0);
  }));

Deno.test("getEvent finds each event by its global id", () =>
  withHistory(async (kv) => {
    const all = (await queryEvents(kv, {}, { limit: 1000 })).items;
    for (const e of all) assert.deepEqual(await getEvent(kv, e.id), e);
    assert.equal(await getEvent(kv, all.length + 1), undefined);
    assert.equal(await getEvent(kv, 0), undefined);
  }));
