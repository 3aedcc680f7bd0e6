import assert from "node:assert/strict";
import { createEngine, LeaseLostError } from "../../../engine/mod.ts";
import { tempDir } from "../../_helpers.ts";
import { SeqFlow } from "../../fixtures/flows.ts";

/** A KV handle whose commits that write the owner lease take `delayMs` longer. */
function slowLeaseKv(kv: Deno.Kv, delayMs: number): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          let lease = false;
          const wrapped: Deno.AtomicOperation = new Proxy(op, {
            get(o, p) {
              const v = Reflect.get(o, p, o);
              if (typeof v !== "function") return v;
              return (...args: unknown[]) => {
                if (p === "set" && (args[0] as Deno.KvKey)[0] === "owner") lease = true;
                if (p === "commit" && lease) {
                  return new Promise((r) => setTimeout(r, delayMs)).then(() => v.apply(o, args));
                }
                const r = v.apply(o, args);
                return r === o ? wrapped : r;
              };
            },
          });
          return wrapped;
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

Deno.test("an owner whose lease renewals outlast the renewal interval keeps its lease", async () => {
  await using dir = await tempDir();
  const kv = await Deno.openKv(`${dir.path}/loom.kv`);
  const errors: Error[] = [];
  try {
    const engine = await createEngine({
      kv: slowLeaseKv(kv, 60),
      leaseRenewMs: 20,
      leaseTtlMs: 2000,
      onError: (e) => errors.push(e),
    });
    try {
      // Several renewal intervals pass while each renewal commit is still in flight.
      await new Promise((r) => setTimeout(r, 400));
      const handle = await engine.start(SeqFlow, { n: 2 });
      assert.deepEqual(await handle.result(), { total: 2 });
    } finally {
      await engine.close();
    }
    assert.deepEqual(errors.filter((e) => e instanceof LeaseLostError), []);
  } finally {
    kv.close();
  }
});
