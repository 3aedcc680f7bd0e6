import assert from "node:assert/strict";
import { publicEvent, publicPayload, REDACTED } from "../../../engine/views/mod.ts";

Deno.test("publicPayload() redacts a HOOK_CREATED token and its URL, and leaves the rest", () => {
  const payload = {
    seq: 1,
    token: "hk_secret",
    token_hash: "abc",
    url: "https://x.example/api/hooks/hk_secret",
    created_at: "t",
  };
  assert.deepEqual(publicPayload("HOOK_CREATED", payload), {
    ...payload,
    token: REDACTED,
    url: `https://x.example/api/hooks/${REDACTED}`,
  });
  assert.equal(payload.token, "hk_secret", "the stored payload is not changed");
  const other = { key: "token", value: "hk_secret" };
  assert.equal(publicPayload("STATE_SET", other), other, "what the code put elsewhere is its own");
});

Deno.test("publicEvent() copies only HOOK_CREATED events", () => {
  const e = { id: 1, type: "STEP_START", payload: { step_name: "a" } };
  assert.equal(publicEvent(e), e);
  const hook = { id: 2, type: "HOOK_CREATED", payload: { token: "hk_t", url: "/api/hooks/hk_t" } };
  assert.deepEqual(publicEvent(hook).payload, { token: REDACTED, url: `/api/hooks/${REDACTED}` });
});
