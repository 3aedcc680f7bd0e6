import assert from "node:assert/strict";
import { extname, join } from "node:path";
import { tempDir } from "../../_helpers.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;

const TYPES: Record<string, string> = {
  ".ts": "application/typescript",
  ".tsx": "text/tsx",
  ".js": "text/javascript",
  ".json": "application/json",
};

Deno.test({
  name:
    "the dashboard renders when web/ is imported by URL (its deno.json does not apply: pragmas and npm: specifiers do)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (req) => {
        const path = decodeURIComponent(new URL(req.url).pathname);
        try {
          const body = await Deno.readFile(join(ROOT, path));
          return new Response(body, {
            headers: { "content-type": TYPES[extname(path)] ?? "text/plain" },
          });
        } catch {
          return new Response("not found", { status: 404 });
        }
      },
    );
    try {
      const base = `http://127.0.0.1:${server.addr.port}`;
      const script = `${dir.path}/main.ts`;
      await Deno.writeTextFile(
        script,
        `import { createEngine } from "${base}/engine/mod.ts";
import { createApp, engineBackend } from "${base}/web/mod.ts";
await using engine = await createEngine({ kvPath: ":memory:" });
const app = createApp(engineBackend(engine));
for (const path of ["/", "/workflows", "/definitions"]) {
  const res = await app.request(path);
  const html = await res.text();
  console.log(path, res.status, html.includes('id="loom-page"'), html.includes("<h1>"));
}
const page = await (await app.request("/")).text();
const asset = page.match(/src="(\\/dashboard\\/assets\\/[^"]+\\/client.js)"/)?.[1] ?? "";
console.log("asset", (await app.request(asset)).status);
`,
      );
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-config",
          "--no-lock",
          `--allow-import=127.0.0.1:${server.addr.port}`,
          "--allow-read",
          "--allow-env",
          "--allow-net",
          "--unstable-kv",
          script,
        ],
        cwd: dir.path,
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      assert.ok(out.success, `${stdout}\n${new TextDecoder().decode(out.stderr)}`);
      assert.deepEqual(stdout.trim().split("\n"), [
        "/ 200 true true",
        "/workflows 200 true true",
        "/definitions 200 true true",
        "asset 200",
      ]);
    } finally {
      await server.shutdown();
    }
  },
});
