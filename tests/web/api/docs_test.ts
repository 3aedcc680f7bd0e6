import assert from "node:assert/strict";
import { apiFixture } from "../_helpers.ts";

Deno.test("/docs is served with its assets from this server: no external URL, a CSP that forbids them", async () => {
  await using api = await apiFixture();
  const page = await api.call("/docs");
  assert.equal(page.status, 200);
  const html = await page.text();
  const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
  assert.ok(urls.length >= 3, "the page loads a stylesheet and scripts");
  for (const url of urls) assert.match(url, /^\/docs\/assets\//, `local asset: ${url}`);
  assert.doesNotMatch(html, /https?:\/\//, "no absolute URL in the page");
  const csp = page.headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /connect-src 'self'/);
  for (const url of urls) {
    const res = await api.call(url);
    assert.equal(res.status, 200, url);
    const text = await res.text();
    assert.ok(text.length > 0, url);
    if (url.endsWith(".css")) {
      assert.doesNotMatch(text, /url\(\s*["']?https?:/, "the stylesheet loads nothing remote");
    }
    if (url.endsWith("init.js")) {
      assert.match(text, /url: "\/openapi\.json"/);
      assert.match(text, /validatorUrl: null/, "no call to the online validator");
    }
    if (url.endsWith("bundle.js")) assert.match(text, /SwaggerUIBundle/);
  }
});

Deno.test("/openapi.json is an OpenAPI 3.1 document generated from the route schemas", async () => {
  await using api = await apiFixture();
  const res = await api.call("/openapi.json");
  assert.equal(res.status, 200);
  const doc = await res.json();
  assert.equal(doc.openapi, "3.1.0");
  assert.equal(doc.info.title, "Loom API");
  for (
    const path of [
      "/api/workflows",
      "/api/workflows/{id}",
      "/api/workflows/{id}/signal",
      "/api/workflows/{id}/cancel",
      "/api/workflows/{id}/events/stream",
      "/api/tasks/pending",
      "/api/events/stream",
      "/api/definitions",
      "/api/stats",
      "/api/graphs/workflow/{id}/definition/render",
      "/health",
    ]
  ) {
    assert.ok(doc.paths[path], path);
  }
  const post = doc.paths["/api/workflows"].post;
  assert.equal(
    post.requestBody.content["application/json"].schema.$ref,
    "#/components/schemas/StartRequest",
  );
  assert.deepEqual(Object.keys(post.responses).sort(), [
    "200",
    "201",
    "400",
    "401",
    "404",
    "409",
    "413",
    "415",
    "503",
  ]);
  const start = doc.components.schemas.StartRequest;
  assert.deepEqual(start.required, ["name"]);
  const list = doc.paths["/api/workflows"].get.parameters.map((p: { name: string }) => p.name);
  for (
    const name of ["page", "per_page", "status", "name", "id_prefix", "started_after", "cursor"]
  ) {
    assert.ok(list.includes(name), name);
  }
  assert.deepEqual(doc.paths["/health"].get.security, []);
  assert.equal(doc.components.securitySchemes.bearer.scheme, "bearer");
});
