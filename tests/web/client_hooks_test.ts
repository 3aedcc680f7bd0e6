import assert from "node:assert/strict";
import {
  createEngine,
  HookExpiredError,
  HookNotFoundError,
  InvalidPayloadError,
} from "../../engine/mod.ts";
import { connect } from "../../main.ts";
import { engineBackend, startServer } from "../../web/mod.ts";
import { stateValue } from "../engine/behaviour/_hooks.ts";
import { HookFlow } from "../fixtures/hook_flows.ts";

Deno.test("connect().resumeHook() resumes a run, and rejects with the engine's hook errors", async () => {
  await using engine = await createEngine({ kvPath: ":memory:" });
  const server = await startServer(engineBackend(engine), {
    host: "127.0.0.1",
    port: 0,
    token: "secret",
  });
  try {
    const loom = connect({ url: server.url, token: "secret" });
    const handle = await loom.start("t_hook", { timeout: 60_000 });
    const token = await stateValue(engine, handle.workflowId, "token");
    await loom.resumeHook(token, { via: "http" });
    assert.deepEqual((await handle.result() as { answer: unknown }).answer, { via: "http" });
    await assert.rejects(loom.resumeHook(token, 1), HookNotFoundError);
    await assert.rejects(loom.resumeHook(token, new Map() as never), InvalidPayloadError);
    // Without the server's token too: the hook's token is the secret.
    const anonymous = connect({ url: server.url });
    const timed = await engine.start(HookFlow, { timeout: 30 });
    const late = await stateValue(engine, timed.workflowId, "token");
    await timed.result();
    await assert.rejects(anonymous.resumeHook(late, 1), HookExpiredError);
  } finally {
    await server.close();
  }
});
