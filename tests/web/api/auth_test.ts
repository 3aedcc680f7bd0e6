import assert from "node:assert/strict";
import { createEngine } from "../../../engine/mod.ts";
import { engineBackend, isLoopback, startServer, TOKEN_COOKIE } from "../../../web/mod.ts";
import { sameSecret } from "../../../web/api/auth.ts";
import "../../fixtures/flows.ts";
import { apiFixture } from "../_helpers.ts";

const TOKEN = "s3cret-token";

Deno.test("with a token, the API refuses requests without it or with a wrong one", async () => {
  await using api = await apiFixture({ token: TOKEN });
  for (
    const path of ["/api/workflows", "/api/stats", "/openapi.json", "/docs", "/health/detailed"]
  ) {
    const res = await api.call(path);
    assert.equal(res.status, 401, path);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="loom"');
    const body = await res.json();
    assert.equal(body.code, "UNAUTHORIZED");
    assert.match(body.message, /Missing token/);
  }
  const wrong = await api.call("/api/workflows", { headers: { authorization: "Bearer nope" } });
  assert.equal(wrong.status, 401);
  assert.equal((await wrong.json()).message, "Wrong token");
  const post = await api.call("/api/workflows", { body: { name: "t_signal", input: {} } });
  assert.equal(post.status, 401);
  assert.equal((await api.engine.list()).items.length, 0, "a refused start writes nothing");
  const badQuery = await api.call("/api/workflows?token=nope");
  assert.equal(badQuery.status, 401);
  const badCookie = await api.call("/api/workflows", {
    headers: { cookie: `${TOKEN_COOKIE}=nope` },
  });
  assert.equal(badCookie.status, 401);
});

Deno.test("with a token, the header, the query parameter and the cookie are accepted; /health is open", async () => {
  await using api = await apiFixture({ token: TOKEN });
  const health = await api.call("/health");
  assert.equal(health.status, 200);
  await health.body?.cancel();
  const header = await api.call("/api/workflows", {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(header.status, 200);
  await header.body?.cancel();
  const query = await api.call(`/docs?token=${TOKEN}`);
  assert.equal(query.status, 200);
  await query.body?.cancel();
  const cookie = query.headers.get("set-cookie") ?? "";
  assert.match(cookie, new RegExp(`^${TOKEN_COOKIE}=${TOKEN};`));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const withCookie = await api.call("/openapi.json", {
    headers: { cookie: `${TOKEN_COOKIE}=${TOKEN}` },
  });
  assert.equal(withCookie.status, 200, "the docs page can load the spec with the cookie");
  await withCookie.body?.cancel();
  const stream = await api.call(`/api/events/stream?token=${TOKEN}`);
  assert.equal(stream.status, 200, "EventSource passes the token as a query parameter");
  await stream.body?.cancel();
  const start = await api.call("/api/workflows", {
    body: { name: "t_signal", input: {} },
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(start.status, 201);
  await start.body?.cancel();
});

Deno.test("without a token, no auth is asked", async () => {
  await using api = await apiFixture();
  const res = await api.call("/api/workflows");
  assert.equal(res.status, 200);
  await res.body?.cancel();
});

Deno.test("sameSecret compares whole secrets", async () => {
  assert.equal(await sameSecret("abc", "abc"), true);
  assert.equal(await sameSecret("abc", "abd"), false);
  assert.equal(await sameSecret("ab", "abc"), false);
  assert.equal(await sameSecret("", "abc"), false);
});

Deno.test("isLoopback knows this machine's addresses", () => {
  for (const h of ["127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3"]) {
    assert.ok(isLoopback(h), h);
  }
  for (const h of ["0.0.0.0", "::", "192.168.1.5", "example.com", "10.0.0.1"]) {
    assert.ok(!isLoopback(h), h);
  }
});

Deno.test("the server refuses a non-loopback address without a token, and an empty token", async () => {
  await using engine = await createEngine({ kvPath: ":memory:" });
  const backend = engineBackend(engine);
  await assert.rejects(
    startServer(backend, { host: "0.0.0.0", port: 0 }),
    /Refusing to serve on "0\.0\.0\.0" without a token/,
  );
  await assert.rejects(startServer(backend, { port: 0, token: "" }), /empty/);
  await using server = await startServer(backend, { host: "0.0.0.0", port: 0, token: TOKEN });
  const res = await fetch(`http://127.0.0.1:${server.port}/api/workflows`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(res.status, 200);
  await res.body?.cancel();
});

Deno.test("CORS is off by default, and on for the origins given", async () => {
  {
    await using api = await apiFixture();
    const res = await api.call("/api/workflows", { headers: { origin: "http://elsewhere.test" } });
    assert.equal(res.headers.get("access-control-allow-origin"), null);
    await res.body?.cancel();
  }
  await using api = await apiFixture({ cors: ["http://dash.test"] });
  const res = await api.call("/api/workflows", { headers: { origin: "http://dash.test" } });
  assert.equal(res.headers.get("access-control-allow-origin"), "http://dash.test");
  await res.body?.cancel();
});
