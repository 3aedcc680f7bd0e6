import assert from "node:assert/strict";
import { LeaseKeeper } from "../../../../engine/runtime/owner/lease_keeper.ts";

/** A KV whose commits take `delayMs` while `slow.on` is set (a renewal under load). */
function slowKv(kv: Deno.Kv, delayMs: number): { kv: Deno.Kv; slow: { on: boolean } } {
  const slow = { on: false };
  const slowOp = (op: Deno.AtomicOperation): Deno.AtomicOperation => {
    const wrapped: Deno.AtomicOperation = new Proxy(op, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop === "commit") {
          return async () => {
            if (slow.on) await new Promise((r) => setTimeout(r, delayMs));
            return await target.commit();
          };
        }
        if (typeof value !== "function") return value;
        // check(), set(), delete()... return the operation: keep returning the wrapper.
        return (...args: unknown[]) => {
          const out = value.apply(target, args);
          return out === target ? wrapped : out;
        };
      },
    });
    return wrapped;
  };
  const proxy = new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") return () => slowOp(target.atomic());
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { kv: proxy, slow };
}

Deno.test("LeaseKeeper.release() waits for a renewal in flight, then gives the lease up", async () => {
  await using base = await Deno.openKv(":memory:");
  const { kv, slow } = slowKv(base, 150);
  const keeper = await LeaseKeeper.start(kv, {
    ownerId: "a",
    partitionCount: 1,
    onTaken: () => Promise.resolve(),
    onGiveUp: () => Promise.resolve(),
    ttlMs: 60_000,
    renewMs: 20,
    where: ":memory:",
    onLost: () => assert.fail("the lease is not lost"),
    onError: (e: Error) => assert.fail(e),
  });
  slow.on = true;
  await new Promise((r) => setTimeout(r, 50)); // a renewal is now in flight, for 150 ms
  await keeper.release();
  assert.equal(keeper.holds(0), false);
  assert.equal((await base.get(["owner", 0])).value, null, "the lease was released");
});
