import assert from "node:assert/strict";
import {
  findHook,
  hashHookToken,
  hookBody,
  hookUrl,
  MAX_HOOK_BODY_BYTES,
  mintHook,
  mintHookToken,
  publicUrlOf,
} from "../../../engine/runtime/hook_tokens.ts";
import {
  HookExpiredError,
  HookNotFoundError,
  InvalidArgumentError,
  InvalidPayloadError,
} from "../../../engine/mod.ts";

Deno.test("mintHookToken() gives hk_ and 256 random bits in base64url, never the same twice", () => {
  const tokens = new Set(Array.from({ length: 1000 }, mintHookToken));
  assert.equal(tokens.size, 1000);
  for (const t of tokens) assert.match(t, /^hk_[A-Za-z0-9_-]{43}$/);
  // Every position takes many values: no fixed bytes.
  const first = new Set([...tokens].map((t) => t[3]));
  assert.ok(first.size > 40, `${first.size} distinct first characters`);
});

Deno.test("hashHookToken() is the token's SHA-256 in hex", async () => {
  assert.equal(
    await hashHookToken("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("hookUrl() joins the public URL and the hook's path", () => {
  assert.equal(hookUrl("https://a.example/", "hk_x"), "https://a.example/api/hooks/hk_x");
  assert.equal(hookUrl("https://a.example/base", "hk_x"), "https://a.example/base/api/hooks/hk_x");
  assert.equal(hookUrl(undefined, "hk_x"), "/api/hooks/hk_x");
  assert.equal(publicUrlOf(() => "https://f.example"), "https://f.example");
  assert.equal(publicUrlOf(undefined), undefined);
});

Deno.test("mintHook() makes the HOOK_CREATED event with the hash, the URL and the expiry", async () => {
  const e = await mintHook(3, 1000, "https://p.example", 5000);
  assert.equal(e.type, "HOOK_CREATED");
  const p = e.payload as Record<string, unknown>;
  assert.equal(p.token_hash, await hashHookToken(p.token as string));
  assert.equal(p.url, `https://p.example/api/hooks/${p.token}`);
  assert.deepEqual([p.seq, p.timeout_ms, p.expires_at_ms, p.created_at], [
    3,
    1000,
    6000,
    new Date(5000).toISOString(),
  ]);
  const open = (await mintHook(1, undefined, undefined, 0)).payload as Record<string, unknown>;
  assert.equal(open.expires_at_ms, undefined);
});

Deno.test("hookBody() takes JSON up to 32 KiB", () => {
  assert.equal(hookBody(undefined), null);
  assert.deepEqual(hookBody({ a: 1 }), { a: 1 });
  assert.throws(() => hookBody(() => 1), InvalidPayloadError);
  assert.throws(() => hookBody("x".repeat(MAX_HOOK_BODY_BYTES)), InvalidArgumentError);
});

Deno.test("findHook() finds a hook by its token's hash, and tells unknown from expired", async () => {
  using kv = await Deno.openKv(":memory:");
  const token = mintHookToken();
  const tokenHash = await hashHookToken(token);
  await kv.set(["hook", tokenHash], {
    tokenHash,
    workflowId: "w",
    seq: 1,
    createdAt: 0,
    expiresAt: 100,
  });
  assert.equal((await findHook(kv, token, 99)).workflowId, "w");
  assert.equal((await findHook(kv, { hash: tokenHash }, 0)).seq, 1);
  await assert.rejects(findHook(kv, token, 100), HookExpiredError);
  await assert.rejects(findHook(kv, mintHookToken(), 0), HookNotFoundError);
  await assert.rejects(findHook(kv, "../etc", 0), HookNotFoundError);
});
