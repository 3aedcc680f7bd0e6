import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

async function sources(dir: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(new URL(rel, ROOT))) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (e.name.endsWith(".ts") || e.name.endsWith(".tsx")) {
        out.push({ path: p, text: await Deno.readTextFile(new URL(p, ROOT)) });
      }
    }
  };
  await walk(dir);
  return out;
}

/** Import and export specifiers (static, side-effect and dynamic), and whether type-only. */
function imports(text: string): { spec: string; typeOnly: boolean }[] {
  const statements = /(?:import|export)(\s+type)?\b[^"';]*?from\s+["']([^"']+)["']/g;
  const bare = /\bimport\s*\(?\s*["']([^"']+)["']/g;
  return [
    ...[...text.matchAll(statements)].map((m) => ({ spec: m[2]!, typeOnly: m[1] !== undefined })),
    ...[...text.matchAll(bare)].map((m) => ({ spec: m[1]!, typeOnly: false })),
  ];
}

Deno.test("the read models in engine/views/ never import the runtime", async () => {
  for (const { path, text } of await sources("engine/views")) {
    for (const { spec } of imports(text)) {
      assert.ok(!spec.includes("runtime/"), `${path} imports ${spec}`);
    }
  }
});

Deno.test("web/, cli/, bench/ and examples/ enter engine/ and store/ only through their mod.ts", async () => {
  for (const dir of ["web", "cli", "bench", "examples"]) {
    for (const { path, text } of await sources(dir)) {
      for (const { spec } of imports(text)) {
        if (!spec.startsWith(".")) continue;
        const target = new URL(spec, new URL(path, ROOT)).pathname.slice(ROOT.pathname.length);
        if (target.startsWith("engine/")) {
          assert.equal(target, "engine/mod.ts", `${path} imports ${spec}`);
        }
        if (target.startsWith("store/")) {
          assert.equal(target, "store/mod.ts", `${path} imports ${spec}`);
        }
      }
    }
  }
});

Deno.test("web/ reads through the reader: it imports only types from the store", async () => {
  for (const { path, text } of await sources("web")) {
    for (const { spec, typeOnly } of imports(text)) {
      if (spec.endsWith("store/mod.ts")) assert.ok(typeOnly, `${path} imports values of ${spec}`);
    }
    assert.ok(!/\.store\b/.test(text), `${path} reaches for a store`);
  }
});
