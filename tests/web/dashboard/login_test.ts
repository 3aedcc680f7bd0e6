import assert from "node:assert/strict";
import { ClassFlow } from "../../fixtures/flows.ts";
import { dashboardFixture, runIds } from "./_helpers.ts";
import { ASSET_BASE } from "../../../web/dashboard/mod.ts";

Deno.test("with a token, a page without it redirects to /login, which sets the cookie that every page and API call then carries", async () => {
  await using d = await dashboardFixture({ token: "s3cret" });
  await (await d.engine.start(ClassFlow, { x: 1 }, { workflowId: "r1" })).result();
  const bare = await d.call("/workflows?status=COMPLETED");
  assert.equal(bare.status, 303);
  assert.equal(bare.headers.get("location"), "/login?next=%2Fworkflows%3Fstatus%3DCOMPLETED");
  assert.equal((await d.call("/api/workflows")).status, 401, "the API still answers 401");
  assert.equal((await d.call(`${ASSET_BASE}/client.js`)).status, 200, "assets carry no data");
  const form = await d.call("/login?next=/workflows");
  assert.equal(form.status, 200);
  assert.match(await form.text(), /<input type="password" name="token"/);

  const wrong = await d.call("/login", {
    method: "POST",
    body: "token=nope&next=%2Fworkflows",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /Wrong token/);
  assert.equal(wrong.headers.get("set-cookie"), null);

  const ok = await d.call("/login", {
    method: "POST",
    body: "token=s3cret&next=%2Fworkflows%3Fstatus%3DCOMPLETED",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get("location"), "/workflows?status=COMPLETED");
  const cookie = ok.headers.get("set-cookie") ?? "";
  assert.match(cookie, /^loom_token=s3cret; Path=\/; HttpOnly; SameSite=Strict/);
  const page = await d.page("/workflows?status=COMPLETED", { cookie: "loom_token=s3cret" });
  assert.equal(page.status, 200);
  assert.deepEqual(runIds(page.html), ["r1"], "the in-process API calls carry the caller's cookie");
  const bearer = await d.page("/", { authorization: "Bearer s3cret" });
  assert.equal(bearer.status, 200);
  const badCookie = await d.call("/", { headers: { cookie: "loom_token=old" } });
  assert.equal(badCookie.status, 303);
  const offsite = await d.call("/login", {
    method: "POST",
    body: "token=s3cret&next=%2F%2Fevil.example",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert.equal(offsite.headers.get("location"), "/", "next stays on this site");
  const out = await d.call("/logout");
  assert.match(out.headers.get("set-cookie") ?? "", /loom_token=; Max-Age=0/);
});

Deno.test("without a token, /login sends the browser on", async () => {
  await using d = await dashboardFixture();
  const res = await d.call("/login?next=/tasks");
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/tasks");
});
