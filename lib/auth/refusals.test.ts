// Role refusals leave an audit entry (real PGlite): who was refused, what they asked for, the role it needed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { listAuditLog } from "@/db/queries/audit";
import type { Actor } from "@/lib/auth/roles";
import { auditAccessRefused, pathOf } from "./refusals";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle?.close());

const viewer: Actor = { id: "u-viewer", email: "viewer@example.com", role: "viewer", via: "session" };

describe("auditAccessRefused", () => {
  it("records an admin API refusal and a server action refusal with the actor", async () => {
    await auditAccessRefused(
      handle.db,
      viewer,
      { kind: "api", method: "post", path: pathOf("http://x.test/api/admin/events/replay?ids=1") },
      "admin",
    );
    await auditAccessRefused(
      handle.db,
      viewer,
      { kind: "action", action: "rerunReadinessAction", path: "/readiness" },
      "admin",
    );
    const { rows } = await listAuditLog(handle.db, {
      action: "access.refused",
      sort: { id: "createdAt", desc: false },
    });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      actorId: "u-viewer",
      actorEmail: "viewer@example.com",
      via: "session",
      targetType: "api",
      targetId: "POST /api/admin/events/replay",
      details: { kind: "api", method: "post", path: "/api/admin/events/replay", required: "admin", role: "viewer" },
    });
    expect(rows[1]).toMatchObject({
      targetType: "action",
      targetId: "rerunReadinessAction",
      details: { kind: "action", path: "/readiness", required: "admin", role: "viewer" },
    });
  });
});
