import assert from "node:assert/strict";
import {
  createEngine,
  hashHookToken,
  HookExpiredError,
  HookNotFoundError,
  InvalidArgumentError,
  InvalidPayloadError,
  REDACTED,
} from "../../../engine/mod.ts";
import { engineTest, TEST_WORKERS } from "../../_helpers.ts";
import { stateValue } from "./_hooks.ts";
import { HOOK_FLOWS_MODULE, HookFlow, TwoHooksFlow } from "../../fixtures/hook_flows.ts";

const OPTIONS = { modules: [HOOK_FLOWS_MODULE], publicUrl: "https://loom.example/" };

/** Every string stored in a KV handle, keys and values, as JSON text. */
async function storedText(kv: Deno.Kv, skip: (key: Deno.KvKey) => boolean): Promise<string> {
  const parts: string[] = [];
  for await (const e of kv.list({ prefix: [] })) {
    if (skip(e.key)) continue;
    const value = e.value instanceof Uint8Array ? new TextDecoder().decode(e.value) : e.value;
    parts.push(JSON.stringify([e.key, value], (_, v) => typeof v === "bigint" ? String(v) : v));
  }
  return parts.join("\n");
}

engineTest("a hook resumes its run with the body it is called with, once", async (engine) => {
  const handle = await engine.start(HookFlow, {});
  const token = await stateValue(engine, handle.workflowId, "token");
  assert.match(token, /^hk_[A-Za-z0-9_-]{43}$/, "256 random bits");
  assert.equal(
    await stateValue(engine, handle.workflowId, "url"),
    `https://loom.example/api/hooks/${token}`,
  );
  await engine.resumeHook(token, { approved: true, by: "ann" });
  assert.deepEqual((await handle.result()).answer, { approved: true, by: "ann" });
  await assert.rejects(engine.resumeHook(token, 1), HookNotFoundError, "used already");
  await assert.rejects(engine.resumeHook(`hk_${"A".repeat(43)}`, 1), HookNotFoundError);
  await assert.rejects(engine.resumeHook("not a token", 1), HookNotFoundError);
  const received = (await engine.reader.eventsOf(handle.workflowId)).filter((e) =>
    e.type === "HOOK_RECEIVED"
  );
  assert.equal(received.length, 1);
}, OPTIONS);

engineTest("a hook called before the run waits is kept, not lost", async (engine) => {
  const handle = await engine.start(HookFlow, { sleepFirst: 150 });
  const token = await stateValue(engine, handle.workflowId, "token");
  await engine.resumeHook(token, "early");
  assert.equal(await handle.status(), "RUNNING", "still sleeping");
  assert.equal((await handle.result()).answer, "early");
}, OPTIONS);

engineTest("several hooks of one run are told apart by their tokens", async (engine) => {
  const handle = await engine.start(TwoHooksFlow, null);
  const a = await stateValue(engine, handle.workflowId, "a");
  const b = await stateValue(engine, handle.workflowId, "b");
  assert.notEqual(a, b);
  await engine.resumeHook(b, "second");
  await engine.resumeHook(a, "first");
  assert.deepEqual((await handle.result()).answers, ["first", "second"]);
}, OPTIONS);

engineTest(
  "a hook's timeout fails its wait with HookTimeoutError; a call after it is expired",
  async (engine) => {
    const handle = await engine.start(HookFlow, { timeout: 100 });
    const token = await stateValue(engine, handle.workflowId, "token");
    assert.equal((await handle.result()).error, "HookTimeoutError");
    await assert.rejects(engine.resumeHook(token, 1), (e: unknown) => {
      assert.ok(e instanceof HookExpiredError);
      assert.match(e.message, /Cannot resume the hook: its timeout passed at \d{4}-/);
      assert.ok(!e.message.includes(token), "the token is not repeated");
      return true;
    });
    const events = (await engine.reader.eventsOf(handle.workflowId)).map((e) => e.type);
    assert.ok(events.includes("TIMER_FIRED"));
    const fast = await engine.start(HookFlow, { timeout: 10_000 });
    await engine.resumeHook(await stateValue(engine, fast.workflowId, "token"), "in time");
    assert.equal((await fast.result()).answer, "in time");
    const types = (await engine.reader.eventsOf(fast.workflowId)).map((e) => e.type);
    assert.ok(types.includes("TIMER_CANCELLED"), "the timeout timer is cancelled by the call");
  },
  OPTIONS,
);

engineTest("a cancelled run closes its hook: calling it is not found", async (engine) => {
  const handle = await engine.start(HookFlow, {});
  const token = await stateValue(engine, handle.workflowId, "token");
  await handle.cancel("no longer needed");
  assert.equal(
    (await handle.result().catch(() => ({ error: "?" }))).error,
    "WorkflowCancelledError",
  );
  await assert.rejects(engine.resumeHook(token, 1), HookNotFoundError);
  assert.ok(
    (await engine.reader.eventsOf(handle.workflowId)).some((e) => e.type === "HOOK_CLOSED"),
  );
}, OPTIONS);

engineTest("bad hook bodies are refused and change nothing", async (engine) => {
  const handle = await engine.start(HookFlow, {});
  const token = await stateValue(engine, handle.workflowId, "token");
  const before = (await handle.info()).eventCount;
  await assert.rejects(engine.resumeHook(token, new Date() as never), InvalidPayloadError);
  await assert.rejects(engine.resumeHook(token, "x".repeat(40_000)), (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.match(e.message, /The hook body is 40002 bytes of JSON, more than the limit of 32768/);
    return true;
  });
  assert.equal((await handle.info()).eventCount, before);
  await engine.resumeHook(token, "fine");
  assert.equal((await handle.result()).answer, "fine");
}, OPTIONS);

engineTest(
  "the store keeps a hook's token only in its run's history; reads show it redacted",
  async (engine, { mode, kvPath }) => {
    const handle = await engine.start(HookFlow, {});
    const token = await stateValue(engine, handle.workflowId, "token");
    const created = (await engine.reader.eventsOf(handle.workflowId)).find((e) =>
      e.type === "HOOK_CREATED"
    );
    const payload = created?.payload as { token: string; url: string; token_hash: string };
    assert.equal(payload.token, REDACTED);
    assert.equal(payload.url, `https://loom.example/api/hooks/${REDACTED}`);
    assert.equal(payload.token_hash, await hashHookToken(token));
    if (mode !== "memory") {
      const kv = await Deno.openKv(kvPath);
      try {
        // The history holds it (replay gives the code the same token), the index its hash only.
        assert.ok((await storedText(kv, (key) => key[0] !== "h")).includes(token));
        assert.ok(!(await storedText(kv, (key) => key[0] === "h")).includes(token));
        const indexed = await kv.get(["hook", payload.token_hash]);
        assert.equal((indexed.value as { workflowId: string }).workflowId, handle.workflowId);
      } finally {
        kv.close();
      }
    }
    const changes: string[] = [];
    const off = engine.subscribe((c) => changes.push(JSON.stringify(c.events)));
    await engine.resumeHook(token, "ok");
    await handle.result();
    off();
    assert.ok(changes.length > 0 && changes.every((c) => !c.includes(token)), "live feed");
  },
  OPTIONS,
);

for (const workers of [0, TEST_WORKERS]) {
  Deno.test(`hook tokens are minted outside the seeded sandbox: the same run id gets a new token [workers: ${workers}]`, async () => {
    const tokens: string[] = [];
    const seeded: string[][] = [];
    for (let i = 0; i < 2; i++) {
      await using engine = await createEngine({
        kvPath: ":memory:",
        workers,
        modules: [HOOK_FLOWS_MODULE],
      });
      const handle = await engine.start(HookFlow, {}, { workflowId: "same-id" });
      tokens.push(await stateValue(engine, handle.workflowId, "token"));
      await handle.cancel("done");
      seeded.push(
        (await engine.reader.eventsOf(handle.workflowId)).map((e) =>
          e.payload as {
            key?: string;
            value?: string[];
          }
        ).find((p) => p.key === "seeded")?.value as string[],
      );
    }
    assert.equal(seeded[0]?.[0], seeded[1]?.[0], "ctx.uuid() is seeded by the run id");
    if (workers > 0) assert.equal(seeded[0]?.[1], seeded[1]?.[1], "so is crypto.randomUUID()");
    assert.notEqual(tokens[0], tokens[1], "the token is not");
  });
}
