import assert from "node:assert/strict";
import { defaultRegistry, LoomReader, type WorkflowClient } from "../../../engine/mod.ts";
import type { ApiBackend, FeedChange } from "../../../web/mod.ts";
import { SwitchingBackend } from "../../../web/deploy/mod.ts";

function fake(
  role: "owner" | "reader",
  reader: LoomReader,
  closed: string[],
  subscribed: string[],
): ApiBackend {
  return {
    role,
    client: { role } as unknown as WorkflowClient,
    reader,
    registry: defaultRegistry,
    feed: {
      subscribe: (_: (c: FeedChange) => void) => {
        subscribed.push(role);
        return Promise.resolve(() => {});
      },
    },
    live: () =>
      Promise.resolve({ activitiesRunning: role === "owner" ? 1 : 0, timersScheduled: 0 }),
    ready: () => Promise.resolve({ ready: true, reason: role }),
    close: () => {
      closed.push(role);
      return Promise.resolve();
    },
  };
}

Deno.test("SwitchingBackend: client, role, readiness and new subscriptions follow the current backend; reads stay", async () => {
  using kv = await Deno.openKv(":memory:");
  const closed: string[] = [];
  const subscribed: string[] = [];
  const readerBackend = fake("reader", new LoomReader(kv, "a"), closed, subscribed);
  const ownerBackend = fake("owner", new LoomReader(kv, "b"), closed, subscribed);
  const backend = new SwitchingBackend(readerBackend);
  const feed = backend.feed;
  await feed.subscribe(() => {});
  assert.equal(backend.role, "reader");
  assert.equal(backend.client, readerBackend.client);
  assert.equal((await backend.ready()).reason, "reader");
  backend.switchTo(ownerBackend);
  assert.equal(backend.current, ownerBackend);
  assert.equal(backend.role, "owner");
  assert.equal(backend.client, ownerBackend.client);
  assert.equal((await backend.ready()).reason, "owner");
  assert.equal((await backend.live()).activitiesRunning, 1);
  await feed.subscribe(() => {});
  assert.deepEqual(subscribed, ["reader", "owner"]);
  assert.equal(backend.feed, feed, "one feed object");
  assert.equal(backend.reader, readerBackend.reader, "the first backend's reader, for good");
  assert.equal(backend.registry, defaultRegistry);
  backend.switchTo(readerBackend);
  assert.equal(backend.role, "reader");
  await backend.close();
  assert.deepEqual(closed, ["reader", "owner"], "every backend it had is closed, once");
});
