import assert from "node:assert/strict";
import { connectKv, HookNotFoundError } from "../../../engine/mod.ts";
import { EXECUTORS, modeEngine, tempDir, TEST_WORKERS, until } from "../../_helpers.ts";
import { HOOK_FLOWS_MODULE, HookFlow, StreamFlow } from "../../fixtures/hook_flows.ts";
import { stateValue } from "./_hooks.ts";

for (const executor of EXECUTORS) {
  const code = executor === "workers"
    ? { workers: TEST_WORKERS, modules: [HOOK_FLOWS_MODULE] }
    : { modules: [HOOK_FLOWS_MODULE] };
  for (const mode of ["file", "queueless"] as const) {
    const suffix = executor === "workers" ? `${mode}, workers` : mode;

    Deno.test(`a hook called while no owner runs is delivered when the owner starts [${suffix}]`, async () => {
      await using dir = await tempDir();
      const kvPath = `${dir.path}/loom.kv`;
      const first = await modeEngine(mode, kvPath, { ...code, shutdownGraceMs: 200 });
      const handle = await first.engine.start(HookFlow, {}, { workflowId: "wait-for-hook" });
      const token = await stateValue(first.engine, handle.workflowId, "token");
      await first[Symbol.asyncDispose]();

      await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
      assert.equal(await client.owned(), false);
      await client.resumeHook(token, { approved: true }); // queued in the run's inbox
      await assert.rejects(client.resumeHook(`hk_${"x".repeat(43)}`, 1), HookNotFoundError);

      await using second = await modeEngine(mode, kvPath, { ...code, pollIntervalMs: 20 });
      const state = await second.engine.getHandle<{ answer: unknown }>("wait-for-hook").result();
      assert.deepEqual(state.answer, { approved: true });
      await assert.rejects(client.resumeHook(token, 2), HookNotFoundError, "used by then");
    });

    Deno.test(`a hook asked for before a stop gets its token from the next owner [${suffix}]`, async () => {
      await using dir = await tempDir();
      const kvPath = `${dir.path}/loom.kv`;
      // The first owner cannot mint (its public URL cannot be read): HOOK_REQUESTED lands alone.
      const first = await modeEngine(mode, kvPath, {
        ...code,
        shutdownGraceMs: 200,
        publicUrl: () => {
          throw new Error("no URL yet");
        },
        onError: () => {},
      });
      const handle = await first.engine.start(HookFlow, {}, { workflowId: "mint-later" });
      await until(
        async () =>
          (await first.engine.reader.eventsOf(handle.workflowId)).some((e) =>
            e.type === "HOOK_REQUESTED"
          ),
        "the request",
      );
      await first[Symbol.asyncDispose]();
      await using second = await modeEngine(mode, kvPath, {
        ...code,
        publicUrl: "https://next.example",
      });
      const token = await stateValue(second.engine, "mint-later", "token");
      assert.equal(
        await stateValue(second.engine, "mint-later", "url"),
        `https://next.example/api/hooks/${token}`,
      );
      await second.engine.resumeHook(token, "after restart");
      assert.equal(
        (await second.engine.getHandle<{ answer: string }>("mint-later").result()).answer,
        "after restart",
      );
      const created = (await second.engine.reader.eventsOf("mint-later")).filter((e) =>
        e.type === "HOOK_CREATED"
      );
      assert.equal(created.length, 1, "one token, minted once");
    });

    Deno.test(`a reader in another process reads a run's stream on across an owner restart [${suffix}]`, async () => {
      await using dir = await tempDir();
      const kvPath = `${dir.path}/loom.kv`;
      const first = await modeEngine(mode, kvPath, { ...code, shutdownGraceMs: 200 });
      await first.engine.start(StreamFlow, { n: 2, waitFinish: true }, { workflowId: "streamer" });
      await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
      const progress: unknown[] = [];
      const status: unknown[] = [];
      const read = (name: string, into: unknown[]) =>
        (async () => {
          for await (const v of client.getHandle("streamer").stream(name)) into.push(v);
        })();
      const reading = [read("progress", progress), read("status", status)];
      await until(() => progress.length === 2, "the values the first owner wrote");
      await first[Symbol.asyncDispose]();
      await using second = await modeEngine(mode, kvPath, code);
      await second.engine.getHandle("streamer").signal("finish", null);
      await Promise.all(reading);
      assert.deepEqual(progress, [{ i: 0 }, { i: 1 }]);
      assert.deepEqual(status, ["done"], "written by the second owner, read once");
    });
  }
}
