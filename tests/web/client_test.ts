import assert from "node:assert/strict";
import {
  ActivityFailedError,
  createEngine,
  InvalidPayloadError,
  WorkflowAlreadyExistsError,
  WorkflowCancelledError,
  WorkflowDefinitionNotFoundError,
  WorkflowExecutionError,
  WorkflowNotFoundError,
  WorkflowNotRunningError,
  WorkflowStillRunningError,
} from "../../engine/mod.ts";
import { connect, engineBackend, HttpError, startServer } from "../../web/mod.ts";
import { CatchFlow, ClassFlow, SignalFlow, ThrowFlow } from "../fixtures/flows.ts";

async function withServer(
  fn: (url: string) => Promise<void>,
  token?: string,
): Promise<void> {
  await using engine = await createEngine({ kvPath: ":memory:", shutdownGraceMs: 200 });
  await using server = await startServer(engineBackend(engine), {
    port: 0,
    ...(token === undefined ? {} : { token }),
  });
  await fn(server.url);
}

Deno.test("connect() starts, signals, waits for results, and reads runs like the engine's client", () =>
  withServer(async (url) => {
    const loom = connect({ url, token: "tk", longPollMs: 50 });
    const handle = await loom.start(SignalFlow, { count: 1 }, { workflowId: "c1" });
    assert.equal(handle.workflowId, "c1");
    assert.equal(await handle.status(), "RUNNING");
    await assert.rejects(handle.result({ wait: false }), WorkflowStillRunningError);
    const waiting = handle.result();
    await new Promise((r) => setTimeout(r, 120)); // a few long polls go by
    await handle.signal("go", "hello");
    assert.deepEqual(await waiting, { received: ["hello"], timedOut: false });
    const info = await handle.info();
    assert.equal(info.status, "COMPLETED");
    assert.equal(info.name, "t_signal");
    assert.deepEqual(info.input, { count: 1 });
    assert.ok(info.completedAt !== undefined && info.completedAt >= info.createdAt);
    assert.ok(info.eventCount > 0);
    const same = await loom.start("t_signal", { count: 1 }, { workflowId: "c1" });
    assert.equal(same.workflowId, "c1", "starting an existing id returns it");
    const typed = await loom.start(ClassFlow, { x: 4 });
    assert.deepEqual(await typed.result(), { doubled: 8, plusOne: 9 });
    const page = await loom.list({ limit: 1 });
    assert.equal(page.items.length, 1);
    assert.equal(page.items[0]?.workflowId, typed.workflowId);
    assert.ok(page.cursor !== undefined);
    const next = await loom.list({ limit: 1, cursor: page.cursor });
    assert.equal(next.items[0]?.workflowId, "c1");
    assert.equal(next.cursor, undefined);
    assert.equal((await loom.list({ workflow: "t_class" })).items.length, 1);
    assert.equal((await loom.list({ status: "RUNNING" })).items.length, 0);
    const odd = await loom.start(ClassFlow, { x: 1 }, { workflowId: "a/b c?d#e" });
    assert.deepEqual(await odd.result(), { doubled: 2, plusOne: 3 }, "ids are escaped in paths");
  }, "tk"));

Deno.test("connect() rebuilds errors by code, so instanceof works", () =>
  withServer(async (url) => {
    const loom = connect({ url });
    await assert.rejects(loom.getHandle("nope").status(), WorkflowNotFoundError);
    await assert.rejects(loom.start("no_such_flow", {}), WorkflowDefinitionNotFoundError);
    await assert.rejects(
      loom.start(SignalFlow, { when: new Date() } as never),
      InvalidPayloadError,
    );
    const h = await loom.start(SignalFlow, {}, { workflowId: "e1" });
    await assert.rejects(
      loom.start(SignalFlow, {}, { workflowId: "e1", ifExists: "fail" }),
      WorkflowAlreadyExistsError,
    );
    await h.cancel("stop");
    await assert.rejects(
      h.result(),
      (e) => e instanceof WorkflowCancelledError && e.reason === "stop",
    );
    const done = await loom.start(ClassFlow, { x: 1 });
    await done.result();
    const notRunning = await done.signal("go").catch((e) => e);
    assert.ok(notRunning instanceof WorkflowNotRunningError);
    assert.equal((notRunning as WorkflowNotRunningError).status, "COMPLETED");
    const failed = await loom.start(ThrowFlow, null);
    const err = await failed.result().catch((e) => e);
    assert.ok(err instanceof WorkflowExecutionError);
    assert.equal((err.cause as Error).name, "TypeError");
    const activity = await loom.start(CatchFlow, { rethrow: true });
    const aerr = await activity.result().catch((e) => e);
    assert.ok(aerr instanceof ActivityFailedError);
    assert.equal(aerr.activityName, "t_always_fails");
  }));

Deno.test("connect() reports auth and connection problems as HttpError", async () => {
  await withServer(async (url) => {
    const noToken = await connect({ url }).list().catch((e) => e);
    assert.ok(noToken instanceof HttpError);
    assert.equal(noToken.status, 401);
    assert.equal(noToken.code, "UNAUTHORIZED");
  }, "tk");
  const closed = await connect({ url: "http://127.0.0.1:9" }).list().catch((e) => e);
  assert.ok(closed instanceof HttpError);
  assert.equal(closed.code, "CONNECTION_FAILED");
});

Deno.test("connect().watch() follows the live feed of one run until it ends", () =>
  withServer(async (url) => {
    const loom = connect({ url });
    const h = await loom.start(SignalFlow, {}, { workflowId: "w" });
    const seen: string[] = [];
    const watching = (async () => {
      for await (const m of loom.watch({ workflowId: "w", after: 0 })) {
        seen.push(m.event === "message" ? JSON.parse(m.data).type : m.event);
      }
    })();
    await h.signal("go", 1);
    await watching;
    assert.equal(seen[0], "WORKFLOW_STARTED");
    assert.ok(seen.includes("SIGNAL_RECEIVED"));
    assert.deepEqual(seen.slice(-3), ["WORKFLOW_COMPLETED", "run", "end"]);
  }));
