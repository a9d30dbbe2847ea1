// Zendesk's erasure endpoints: DELETE /users/{id} (soft delete: the user leaves every list and search, answers
// GET with active: false, and their email is free again), DELETE /deleted_users/{id} (permanent: the identity
// is scrubbed; their tickets stay), GET /users/{id}/tickets/requested (offset pages of `pageSize`, following
// next_page as node-zendesk does) and PUT /tickets/{id}/comments/{comment_id}/redact { text } (every character
// of that text becomes ▇ in the comment, and in the ticket's description when it is the first comment).
import type { SandboxRequest, SandboxResponse } from "./http";
import { StateError, records } from "./persistence";
import { type SandboxRoute, isRecord, isoNow } from "./util";
import type { ZComment, ZTicket, ZUser } from "./zendesk-objects";
import { invalid, zendeskError } from "./zendesk-objects";

/** What Zendesk puts in place of each redacted character. */
export const REDACTED = "\u2587";

const notFound = () => zendeskError(404, "RecordNotFound", "Not found");

export function createZendeskErasure(state: {
  users: Map<number, ZUser>;
  tickets: Map<number, ZTicket>;
  comments: Map<number, ZComment[]>;
  base: (req: SandboxRequest) => string;
}) {
  const { users, tickets, comments } = state;
  /** Soft-deleted users (DELETE /users/{id}), until permanently deleted. */
  const deletedUsers = new Map<number, ZUser>();
  const erasure = { deletedUsers, pageSize: 100, routes: [] as SandboxRoute[], dump, restore, reset };

  function softDelete(id: number): SandboxResponse {
    const user = users.get(id);
    if (!user) return notFound();
    if (user.role !== "end-user")
      throw invalid("base", "You cannot delete an agent or admin through this sandbox", "PermissionDenied");
    const deleted: ZUser = { ...user, active: false, updated_at: isoNow() };
    users.delete(id);
    deletedUsers.set(id, deleted);
    return { status: 200, body: { user: deleted } };
  }

  function permanentDelete(id: number): SandboxResponse {
    const user = deletedUsers.get(id);
    if (!user) return notFound();
    deletedUsers.delete(id);
    const scrubbed = { id, name: "Permanently deleted user", email: null, external_id: null, active: false };
    return { status: 200, body: { deleted_user: scrubbed } };
  }

  function requested(id: number, req: SandboxRequest): SandboxResponse {
    if (!users.has(id) && !deletedUsers.has(id)) return notFound();
    const all = [...tickets.values()].filter((t) => t.requester_id === id).sort((a, b) => a.id - b.id);
    const perPage = Math.min(Math.max(Number(req.query.get("per_page")) || erasure.pageSize, 1), 100);
    const page = Math.max(Number(req.query.get("page")) || 1, 1);
    const rows = all.slice((page - 1) * perPage, page * perPage);
    const url = (p: number) =>
      `${state.base(req)}/api/v2/users/${id}/tickets/requested.json?page=${p}&per_page=${perPage}`;
    return {
      status: 200,
      body: {
        tickets: rows,
        next_page: page * perPage < all.length ? url(page + 1) : null,
        previous_page: page > 1 ? url(page - 1) : null,
        count: all.length,
      },
    };
  }

  function redact(ticketId: number, commentId: number, req: SandboxRequest): SandboxResponse {
    const ticket = tickets.get(ticketId);
    const list = comments.get(ticketId);
    const index = list?.findIndex((c) => c.id === commentId) ?? -1;
    if (!ticket || !list || index < 0) return notFound();
    const text = isRecord(req.body) ? req.body.text : undefined;
    if (typeof text !== "string" || text === "")
      return zendeskError(400, "InvalidValue", 'Request body must have a "text" string to redact');
    const comment = list[index]!;
    if (!comment.body.includes(text)) throw invalid("text", "Text: was not found in the comment", "NotFound");
    const mark = text.replace(/\S/g, REDACTED);
    const blank = (s: string) => s.split(text).join(mark);
    const next: ZComment = {
      ...comment,
      body: blank(comment.body),
      html_body: blank(comment.html_body),
      plain_body: blank(comment.plain_body),
    };
    list[index] = next;
    if (index === 0 && typeof ticket.description === "string")
      tickets.set(ticketId, { ...ticket, description: blank(ticket.description), updated_at: isoNow() });
    return { status: 200, body: { comment: next } };
  }

  erasure.routes = [
    {
      method: "GET",
      pattern: /^\/api\/v2\/users\/(\d+)(?:\.json)?$/,
      run: ([, id]) => {
        const user = users.get(Number(id)) ?? deletedUsers.get(Number(id));
        return user ? { status: 200, body: { user } } : notFound();
      },
    },
    { method: "DELETE", pattern: /^\/api\/v2\/users\/(\d+)(?:\.json)?$/, run: ([, id]) => softDelete(Number(id)) },
    {
      method: "GET",
      pattern: /^\/api\/v2\/deleted_users\/(\d+)(?:\.json)?$/,
      run: ([, id]) => {
        const user = deletedUsers.get(Number(id));
        return user ? { status: 200, body: { deleted_user: user } } : notFound();
      },
    },
    {
      method: "DELETE",
      pattern: /^\/api\/v2\/deleted_users\/(\d+)(?:\.json)?$/,
      run: ([, id]) => permanentDelete(Number(id)),
    },
    {
      method: "GET",
      pattern: /^\/api\/v2\/users\/(\d+)\/tickets\/requested(?:\.json)?$/,
      run: ([, id], req) => requested(Number(id), req),
    },
    {
      method: "PUT",
      pattern: /^\/api\/v2\/tickets\/(\d+)\/comments\/(\d+)\/redact(?:\.json)?$/,
      run: ([, ticketId, commentId], req) => redact(Number(ticketId), Number(commentId), req),
    },
  ];

  function dump() {
    return [...deletedUsers.values()];
  }

  /** From a dump(); files saved before these endpoints existed have none. */
  function restore(saved: unknown) {
    const list = saved === undefined ? [] : records<ZUser>(saved, "zendesk deleted users");
    if (!list.every((u) => Number.isSafeInteger(u.id)))
      throw new StateError("a zendesk deleted user has no numeric id");
    return () => {
      deletedUsers.clear();
      for (const u of list) deletedUsers.set(u.id, u);
    };
  }

  function reset() {
    deletedUsers.clear();
    erasure.pageSize = 100;
  }

  return erasure;
}
