import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { ModuleLoadError } from "../../../engine/mod.ts";
import { loadModules, moduleSpecifier } from "../../../engine/runtime/load_modules.ts";
import { tempDir } from "../../_helpers.ts";

const BROKEN = new URL("../../fixtures/broken_module.ts", import.meta.url).href;
const cwd = { cwd: "/srv/app" };

Deno.test("moduleSpecifier() resolves a relative path against the working folder", () => {
  assert.equal(moduleSpecifier("flows/order.ts", cwd), "file:///srv/app/flows/order.ts");
  assert.equal(moduleSpecifier("./flows/../order.ts", cwd), "file:///srv/app/order.ts");
  assert.equal(
    moduleSpecifier("flows.ts"),
    pathToFileURL(`${Deno.cwd()}/flows.ts`).href,
    "Deno.cwd() by default",
  );
});

Deno.test("moduleSpecifier() turns an absolute path into a file URL", () => {
  assert.equal(moduleSpecifier("/opt/flows/order.ts", cwd), "file:///opt/flows/order.ts");
});

Deno.test("moduleSpecifier() keeps a URL as it is", () => {
  for (
    const url of [
      "file:///opt/flows/order.ts",
      "https://example.com/flows.ts",
      "http://localhost:8000/flows.ts", // a module URL: not a server
      "npm:some-flows@1.2.3",
      "data:text/javascript,export%20{}",
    ]
  ) {
    assert.equal(moduleSpecifier(url, cwd), url);
  }
  assert.equal(
    moduleSpecifier(new URL("https://example.com/a/../flows.ts"), cwd),
    "https://example.com/flows.ts",
  );
});

Deno.test("moduleSpecifier() takes a colon after the first segment for part of a path", () => {
  assert.equal(moduleSpecifier("flows/v1:2.ts", cwd), "file:///srv/app/flows/v1:2.ts");
  assert.equal(moduleSpecifier("./a:b.ts", cwd), "file:///srv/app/a:b.ts");
});

Deno.test("moduleSpecifier() does not mistake a Windows drive letter for a URL scheme", () => {
  for (const path of ["C:\\flows\\order.ts", "c:/flows/order.ts"]) {
    const spec = moduleSpecifier(path, cwd);
    assert.ok(spec.startsWith("file:///"), spec);
  }
});

Deno.test("loadModules() imports paths and URLs in order and returns their URLs", async () => {
  await using dir = await tempDir();
  const seen = globalThis as { loadOrder?: string[] };
  seen.loadOrder = [];
  await Deno.writeTextFile(`${dir.path}/a.ts`, `globalThis.loadOrder.push("a");`);
  await Deno.writeTextFile(`${dir.path}/b.ts`, `globalThis.loadOrder.push("b");`);
  const b = pathToFileURL(`${dir.path}/b.ts`);
  const urls = await loadModules(["a.ts", b], { cwd: dir.path });
  assert.deepEqual(urls, [pathToFileURL(`${dir.path}/a.ts`).href, b.href]);
  assert.deepEqual(seen.loadOrder, ["a", "b"]);
  assert.deepEqual(await loadModules([]), []);
});

Deno.test("loadModules() throws ModuleLoadError naming the module and the cause", async () => {
  await assert.rejects(loadModules([BROKEN]), (e: unknown) => {
    assert.ok(e instanceof ModuleLoadError);
    assert.equal(e.code, "MODULE_LOAD_FAILED");
    assert.equal(e.module, BROKEN);
    assert.equal(e.message, `Cannot load module "${BROKEN}": this module is broken on purpose`);
    assert.ok(e.cause instanceof Error);
    return true;
  });
  await using dir = await tempDir();
  const seen = globalThis as { afterMissing?: boolean };
  await Deno.writeTextFile(`${dir.path}/after.ts`, `globalThis.afterMissing = true;`);
  await assert.rejects(loadModules(["missing.ts", "after.ts"], { cwd: dir.path }), (e: unknown) => {
    assert.ok(e instanceof ModuleLoadError);
    assert.equal(e.module, pathToFileURL(`${dir.path}/missing.ts`).href);
    assert.ok(e.message.startsWith(`Cannot load module "missing.ts": `), e.message);
    return true;
  });
  assert.equal(seen.afterMissing, undefined, "it stops at the first module that fails");
});
