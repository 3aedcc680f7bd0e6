import assert from "node:assert/strict";
import { CLIENT_CSS, CLIENT_JS, SOURCE_HASH } from "../../../web/dashboard/assets/client.gen.ts";
import {
  bundleClient,
  clientSources,
  readStyles,
  sourceHash,
} from "../../../web/dashboard/build.ts";

const STALE =
  "web/dashboard/assets/client.gen.ts is stale: run `deno task dashboard:build` and commit it";

Deno.test("the committed dashboard bundle matches its sources (hash of the client's module graph and the stylesheet)", async () => {
  const sources = await clientSources();
  assert.ok(sources.includes("web/dashboard/client/main.tsx"));
  assert.ok(sources.includes("web/dashboard/components/pages/run.tsx"));
  assert.ok(sources.includes("web/dashboard/assets/styles/run.css"));
  assert.ok(
    !sources.some((s) => s.startsWith("web/dashboard/server/")),
    "no server code in the bundle",
  );
  assert.equal(SOURCE_HASH, await sourceHash(), STALE);
  assert.equal(CLIENT_CSS, await readStyles(), STALE);
});

Deno.test("rebuilding the dashboard bundle gives the committed one", async () => {
  assert.equal(await bundleClient(), CLIENT_JS, STALE);
});
