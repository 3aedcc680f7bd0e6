import assert from "node:assert/strict";
import { HookHandle, HookSlots } from "../../../engine/replay/mod.ts";

Deno.test("HookSlots.settle() tells the waiters, and later waits get the same outcome", async () => {
  const slots = new HookSlots();
  slots.open(1);
  const early = slots.wait(1);
  slots.settle(1, { ok: true, value: { a: [1] } });
  slots.settle(1, { ok: true, value: "ignored: settled once" });
  const late = slots.wait(1);
  assert.deepEqual(await early, { a: [1] });
  assert.deepEqual(await late, { a: [1] });
  assert.notEqual(await slots.wait(1), await slots.wait(1), "each wait gets a copy");
});

Deno.test("HookSlots: a failure with no waiter rejects nothing until someone waits", async () => {
  const slots = new HookSlots();
  slots.open(2);
  slots.settle(2, { ok: false, error: new Error("timed out") });
  await assert.rejects(slots.wait(2), /timed out/);
  let settled = false;
  slots.wait(99).then(() => settled = true, () => settled = true);
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(settled, false, "a hook never opened never settles");
});

Deno.test("HookHandle exposes the token and URL and waits through its source", async () => {
  const asked: number[] = [];
  const hook = new HookHandle<string>(
    {
      hookWait: (seq) => {
        asked.push(seq);
        return Promise.resolve("body");
      },
    },
    7,
    { token: "hk_t", url: "/api/hooks/hk_t" },
  );
  assert.equal(hook.token, "hk_t");
  assert.equal(hook.url, "/api/hooks/hk_t");
  assert.equal(await hook.wait(), "body");
  assert.deepEqual(asked, [7]);
});
