// The admin API's write routes read their JSON body with a cap: 413 beyond it, 400 for invalid JSON.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDbHandle, type DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { MAX_ADMIN_BODY_BYTES } from "@/lib/auth/access";
import { adminToken } from "@/test/admin-route";
import { POST as bulkReplay } from "./route";
import { POST as replayOne } from "../[id]/replay/route";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  setDbHandle(handle);
});
afterAll(async () => {
  setDbHandle(undefined);
  await handle?.close();
});

const EVENT_ID = "00000000-0000-4000-8000-000000000000";
const post = (path: string, body: string) =>
  new Request(`http://127.0.0.1:3000${path}`, {
    method: "POST",
    headers: { ...adminToken(), "content-type": "application/json" },
    body,
  });
const one = (body: string) =>
  replayOne(post(`/api/admin/events/${EVENT_ID}/replay`, body), { params: Promise.resolve({ id: EVENT_ID }) });
const bulk = (body: string) => bulkReplay(post("/api/admin/events/replay", body));

describe("admin API write bodies", () => {
  it("POST /api/admin/events/:id/replay: 413 JSON over 64 KiB, 400 for invalid JSON", async () => {
    const big = await one(JSON.stringify({ force: true, pad: "a".repeat(MAX_ADMIN_BODY_BYTES) }));
    expect(big.status).toBe(413);
    expect((await big.json()).error).toMatch(/^Body too large/);
    const invalid = await one("{force");
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ error: "Body is not valid JSON." });
    // Within the cap the body is read as before: an empty body means {}, the unknown event answers 404.
    expect((await one("")).status).toBe(404);
  });

  it("POST /api/admin/events/replay: room for the bulk limit's ids, 413 beyond 512 KiB, 400 for invalid JSON", async () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const many = await bulk(JSON.stringify({ ids }, null, 2));
    expect(many.status).toBe(202);
    // None of these ids exists: nothing queued, and the replay's id to read its progress from.
    expect(await many.json()).toMatchObject({ queued: 0, eventIds: [], replayId: expect.any(String) });
    const big = await bulk(JSON.stringify({ ids: ["x".repeat(512 * 1024)] }));
    expect(big.status).toBe(413);
    expect((await big.json()).error).toContain("512 KiB");
    const invalid = await bulk("not json");
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error).toContain("Body is not valid JSON");
  });
});
