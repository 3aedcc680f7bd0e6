import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { runServe } from "../../cli/serve.ts";
import { readServerInfo, type ServerInfo } from "../../cli/server_info.ts";
import { runWeb } from "../../cli/web.ts";
import { connect, DEFAULT_MAX_BODY } from "../../web/mod.ts";
import { tempDir, until } from "../_helpers.ts";

const FLOWS = fromFileUrl(new URL("../fixtures/flows.ts", import.meta.url));
const ROOT = fromFileUrl(new URL("../../", import.meta.url));

async function serverInfo(path: string, timeoutMs = 10_000): Promise<ServerInfo> {
  return await until(() => readServerInfo(path), `${path} to appear`, timeoutMs) as ServerInfo;
}

function options(kvPath: string, signal: AbortSignal, lines: string[]) {
  return {
    kvPath,
    modules: [FLOWS],
    host: "127.0.0.1",
    port: 0,
    workers: 0,
    pollIntervalMs: 50,
    maxBody: DEFAULT_MAX_BODY,
    print: (line: string) => lines.push(line),
    signal,
  };
}

Deno.test("runServe serves the API, writes .loom/server.json beside the KV file, and removes it on exit", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/.loom/loom.kv`;
  const infoPath = `${dir.path}/.loom/server.json`;
  const controller = new AbortController();
  const lines: string[] = [];
  const done = runServe(options(kvPath, controller.signal, lines));
  try {
    const info = await serverInfo(infoPath);
    assert.equal(info.pid, Deno.pid);
    assert.equal(info.kvPath, kvPath);
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const loom = connect({ url: info.url });
    const handle = await loom.start("t_class", { x: 2 });
    assert.deepEqual(await handle.result(), { doubled: 4, plusOne: 5 });
    assert.ok(lines.some((l) => l.startsWith(`API: ${info.url}/api`)), lines.join("\n"));
    assert.ok(lines.some((l) => l.includes("t_class") && l.includes("COMPLETED")), "progress");
  } finally {
    controller.abort();
  }
  assert.equal(await done, 0);
  assert.equal(await readServerInfo(infoPath), undefined, "server.json is removed");
  assert.ok(lines.includes("Shutting down..."));
});

Deno.test("runServe refuses a non-loopback address without a token (exit 2)", async () => {
  await using dir = await tempDir();
  const lines: string[] = [];
  const code = await runServe({
    ...options(`${dir.path}/loom.kv`, new AbortController().signal, lines),
    host: "0.0.0.0",
  });
  assert.equal(code, 2);
  assert.match(lines.join("\n"), /Refusing to serve on "0\.0\.0\.0" without a token/);
  assert.equal(await readServerInfo(`${dir.path}/server.json`), undefined);
});

Deno.test("runWeb serves the API of a file another engine owns", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const owner = new AbortController();
  const ownerLines: string[] = [];
  const serving = runServe(options(kvPath, owner.signal, ownerLines));
  const reader = new AbortController();
  const lines: string[] = [];
  let web: Promise<number> | undefined;
  try {
    await until(() => readServerInfo(`${dir.path}/server.json`), "the owner");
    web = runWeb({
      kvPath,
      modules: [FLOWS],
      host: "127.0.0.1",
      port: 0,
      pollIntervalMs: 20,
      maxBody: DEFAULT_MAX_BODY,
      print: (l) => lines.push(l),
      signal: reader.signal,
    });
    const line = await until(
      () => lines.find((l) => l.startsWith("API: ")),
      "the reader's URL",
    ) as string;
    const url = (line.match(/^API: (\S+)\/api/) as RegExpMatchArray)[1] as string;
    const loom = connect({ url });
    const h = await loom.start("t_signal", {}, { workflowId: "from-web" });
    await h.signal("go", "hi");
    assert.deepEqual(await h.result(), { received: ["hi"], timedOut: false });
    const graph = await fetch(`${url}/api/graphs/workflow/from-web/definition`);
    assert.equal(graph.status, 200, "definitions come from --module");
    await graph.body?.cancel();
  } finally {
    reader.abort();
    owner.abort();
  }
  assert.equal(await web, 0);
  assert.equal(await serving, 0);
});

Deno.test("runWeb refuses a KV file that does not exist", async () => {
  await using dir = await tempDir();
  const lines: string[] = [];
  const code = await runWeb({
    kvPath: `${dir.path}/missing.kv`,
    modules: [],
    host: "127.0.0.1",
    port: 0,
    pollIntervalMs: 500,
    maxBody: DEFAULT_MAX_BODY,
    print: (l) => lines.push(l),
  });
  assert.equal(code, 1);
  assert.match(lines.join("\n"), /no Loom data at/);
});

Deno.test("runWeb names a module that fails to load and why", async () => {
  const lines: string[] = [];
  const broken = new URL("../fixtures/broken_module.ts", import.meta.url).href;
  const code = await runWeb({
    kvPath: ":memory:",
    modules: [broken],
    host: "127.0.0.1",
    port: 0,
    pollIntervalMs: 500,
    maxBody: DEFAULT_MAX_BODY,
    print: (l) => lines.push(l),
  });
  assert.equal(code, 1);
  assert.deepEqual(lines, [
    `error: Cannot load module "${broken}": this module is broken on purpose`,
  ]);
});

Deno.test("`deno run -A main.ts serve` runs the examples and serves the API and /docs", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/.loom/loom.kv`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}main.ts`, "serve", "--port", "0", "--kv", kvPath],
    cwd: dir.path,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.stdout.pipeThrough(new TextDecoderStream());
  let text = "";
  const collecting = (async () => {
    for await (const chunk of output) text += chunk;
  })();
  try {
    const info = await serverInfo(`${dir.path}/.loom/server.json`, 60_000);
    assert.equal(info.pid, child.pid);
    const loom = connect({ url: info.url });
    await until(
      async () => (await loom.list({ status: "COMPLETED" })).items.length >= 4,
      "examples",
      30_000,
    );
    const names = (await loom.list()).items.map((r) => r.name).sort();
    assert.deepEqual(names, [
      "ApprovalWorkflow",
      "AssessmentWorkflow",
      "FanOutSum",
      "OrderProcessing",
    ]);
    const docs = await fetch(`${info.url}/docs`);
    assert.equal(docs.status, 200);
    assert.doesNotMatch(await docs.text(), /https?:\/\//);
  } finally {
    child.kill("SIGINT");
  }
  const status = await child.status;
  await collecting;
  await child.stderr.cancel();
  assert.equal(status.code, 0, text);
  assert.match(text, /Shutting down/);
  assert.equal(await readServerInfo(`${dir.path}/.loom/server.json`), undefined);
});

Deno.test("runServe builds hooks' URLs from --public-url, else from its own address", async () => {
  const HOOKS = fromFileUrl(new URL("../fixtures/hook_flows.ts", import.meta.url));
  for (const publicUrl of [undefined, "https://hooks.example"]) {
    await using dir = await tempDir();
    const controller = new AbortController();
    const lines: string[] = [];
    const done = runServe({
      ...options(`${dir.path}/.loom/loom.kv`, controller.signal, lines),
      modules: [HOOKS],
      ...(publicUrl === undefined ? {} : { publicUrl }),
    });
    try {
      const info = await serverInfo(`${dir.path}/.loom/server.json`);
      const loom = connect({ url: info.url });
      const handle = await loom.start("t_hook", {});
      const state = (await until(async () => {
        const res = await fetch(`${info.url}/api/workflows/${handle.workflowId}`);
        const s = (await res.json()).current_state as { url?: string; token?: string };
        return s.url === undefined ? undefined : s;
      }, "the hook's URL")) as { url: string; token: string };
      assert.equal(state.url, `${publicUrl ?? info.url}/api/hooks/${state.token}`);
      await loom.resumeHook(state.token, "ok");
      assert.equal((await handle.result() as { answer: string }).answer, "ok");
    } finally {
      controller.abort();
    }
    assert.equal(await done, 0);
  }
});
