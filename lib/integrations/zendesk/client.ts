// The real node-zendesk client (default import: its named exports fail under Node ESM), pointed at
// ZENDESK_BASE_URL when set. A client per call, since node-zendesk only sends headers given at creation
// (the Idempotency-Key of a ticket create). Some failures (429 with Retry-After, 502, 504) resolve
// instead of throwing, so every answer's status is checked.
import zendesk from "node-zendesk";
import { IntegrationError, PermanentError, TransientError } from "../errors";
import { classifyZendeskError, zendeskStatusError } from "./errors";
import type { RateBudget } from "../budget";

export type ZendeskConfig = {
  subdomain: string;
  email: string;
  token: string;
  baseUrl?: string;
  timeoutMs?: number;
  /** The account's shared rate budget (ZENDESK_RATE_LIMIT), spent before every call; none: unlimited. */
  budget?: RateBudget;
};
export type TicketInput = {
  reference: string;
  requesterId: number;
  subject: string;
  body: string;
  tags: string[];
};

type ZResponse = { status: number; headers: { get(name: string): string | null } };
type Reply<T> = { response: object; result: T };

export class ZendeskService {
  constructor(private readonly config: ZendeskConfig) {}

  get endpointUri(): string {
    return `${this.config.baseUrl ?? `https://${this.config.subdomain}.zendesk.com`}/api/v2`;
  }

  private client(headers: Record<string, string> = {}, correlationId?: string) {
    if (correlationId) headers = { ...headers, "X-Correlation-Id": correlationId };
    const ms = this.config.timeoutMs ?? 10_000;
    return zendesk.createClient({
      username: this.config.email,
      token: this.config.token,
      endpointUri: this.endpointUri,
      throwOriginalException: true,
      customHeaders: headers,
      transportConfig: {
        transportFn: (uri: string, options: RequestInit) => fetch(uri, { ...options, signal: AbortSignal.timeout(ms) }),
        responseAdapter: (res: Response) => ({
          json: () => res.json(),
          status: res.status,
          headers: { get: (k: string) => res.headers.get(k) },
          statusText: res.statusText,
        }),
      },
    } as never);
  }

  private async call<T>(fn: () => Promise<Reply<T>>): Promise<T> {
    return (await this.callWithStatus(fn)).result;
  }

  private async callWithStatus<T>(fn: () => Promise<Reply<T>>): Promise<{ status: number; result: T }> {
    let reply: Reply<T>;
    await this.config.budget?.spend();
    try {
      reply = await fn();
    } catch (err) {
      throw classifyZendeskError(err);
    }
    const response = reply.response as ZResponse;
    if (response.status >= 400 || reply.result instanceof Error) throw zendeskStatusError(response, reply.result);
    return { status: response.status, result: reply.result };
  }

  /**
   * The end user for this app user, and how we know it is them. One whose external_id is our app user id
   * was made by us (perhaps by an attempt whose answer was lost) or linked by the app: `id`. Otherwise
   * create_or_update by email: 201 means we just made it (`id`); 200 means someone with that email was
   * already in Zendesk, now given our external_id: the same address, not proven the same person (`email`,
   * for the founder to confirm).
   */
  async ensureRequester(input: {
    email: string;
    name?: string | null;
    appUserId: string;
    correlationId?: string;
  }): Promise<{ id: number; matchedBy: "id" | "email" }> {
    // GET /users/search.json?external_id=: an exact look-up, not the lagging search index.
    const ours = await this.list(() =>
      this.client({}, input.correlationId).users.search({ external_id: input.appUserId }),
    );
    if (ours[0]?.id) return { id: ours[0].id, matchedBy: "id" };
    const { status, result: user } = await this.callWithStatus(
      () =>
        this.client({}, input.correlationId).users.createOrUpdate({
          user: {
            email: input.email,
            name: input.name || input.email.split("@")[0],
            external_id: input.appUserId,
            verified: true,
          },
        }) as Promise<Reply<{ id: number }>>,
    );
    if (!user?.id) throw new PermanentError("zendesk", "create_or_update answered without a user id.");
    return { id: user.id, matchedBy: status === 201 ? "id" : "email" };
  }

  /** The ticket we made for this reference, if any (a consistent list, not the lagging search API). */
  async findTicketByReference(reference: string, correlationId?: string): Promise<number | undefined> {
    const tickets = await this.list(() =>
      this.client({}, correlationId).tickets.listWithFilter("external_id", reference),
    );
    return tickets[0]?.id;
  }

  /** A list call: node-zendesk answers the records themselves (not `{ response, result }`) and throws on failure. */
  private async list(fn: () => Promise<unknown>): Promise<Array<{ id: number }>> {
    await this.config.budget?.spend();
    try {
      return (await fn()) as Array<{ id: number }>;
    } catch (err) {
      throw classifyZendeskError(err);
    }
  }

  /**
   * Creates the ticket once: Idempotency-Key = our reference, external_id = our reference. The first comment
   * is the requester's own message, public and authored by them (as if they had written in), so that Zendesk's
   * "request received" notification acknowledges it to them; our context goes in an internal note after.
   */
  async createTicket(input: TicketInput, correlationId?: string): Promise<number> {
    const ticket = await this.call(
      () =>
        this.client({ "Idempotency-Key": input.reference }, correlationId).tickets.create({
          ticket: {
            subject: input.subject,
            comment: { body: input.body, public: true, author_id: input.requesterId },
            requester_id: input.requesterId,
            external_id: input.reference,
            tags: input.tags,
          },
        }) as Promise<Reply<{ id: number }>>,
    );
    if (!ticket?.id) throw new TransientError("zendesk", "Ticket create answered without a ticket id.");
    return ticket.id;
  }

  /** Users by id, 100 per call (show_many): id → external_id and email. A user Zendesk no longer has is absent. */
  async showUsers(ids: number[]): Promise<Map<number, { externalId: string | null; email: string | null }>> {
    const found = new Map<number, { externalId: string | null; email: string | null }>();
    for (let i = 0; i < ids.length; i += 100) {
      const users = await this.call(
        () =>
          this.client().users.showMany(ids.slice(i, i + 100)) as unknown as Promise<
            Reply<Array<{ id: number; external_id?: string | null; email?: string | null }>>
          >,
      );
      for (const u of users ?? []) found.set(u.id, { externalId: u.external_id ?? null, email: u.email ?? null });
    }
    return found;
  }

  /** Sets a user's external_id (the app user id that links the requester to our customer). */
  async setUserExternalId(id: number, externalId: string, correlationId?: string): Promise<void> {
    await this.call(
      () =>
        this.client({}, correlationId).users.update(id, { user: { external_id: externalId } }) as Promise<
          Reply<unknown>
        >,
    );
  }

  /** A ticket's comments, oldest first (public replies and internal notes alike). */
  async ticketComments(
    ticketId: number,
    correlationId?: string,
  ): Promise<Array<{ id: number; authorId: number | null; body: string; public: boolean; createdAt: string }>> {
    type Raw = {
      id: number;
      author_id?: number;
      body?: string;
      plain_body?: string;
      public?: boolean;
      created_at?: string;
    };
    const comments = (await this.list(() => this.client({}, correlationId).tickets.getComments(ticketId))) as Raw[];
    return comments.map((c) => ({
      id: c.id,
      authorId: c.author_id ?? null,
      body: c.body ?? c.plain_body ?? "",
      public: c.public !== false,
      createdAt: c.created_at ?? "",
    }));
  }

  /** Adds an internal note (a private comment, by the agent the token belongs to). Not idempotent: check first. */
  async addInternalNote(ticketId: number, body: string, correlationId?: string): Promise<void> {
    await this.call(
      () =>
        this.client({}, correlationId).tickets.update(ticketId, {
          ticket: { comment: { body, public: false } },
        } as never) as Promise<Reply<unknown>>,
    );
  }

  /**
   * Erases an end user: DELETE /users/{id} (Zendesk's soft delete), then DELETE /deleted_users/{id}, the
   * permanent deletion that scrubs their identity (tickets stay, requested by "Permanently deleted user").
   * Redact their tickets first (redactUserTickets): once they are gone their tickets cannot be found by them.
   * A retry after the soft delete answered finds no user (404) but still finishes the permanent one; 404 on
   * both: already erased (`deleted: false`).
   */
  async deleteUser(userId: string): Promise<{ deleted: boolean }> {
    const id = Number(userId);
    const softDeleted = await this.deleteIfThere(() => this.client().users.delete(id));
    // node-zendesk has no call for deleted_users: its generic request, with the same auth and transport.
    const purged = await this.deleteIfThere(() =>
      this.client().users.request("DELETE", ["deleted_users", id] as never),
    );
    return { deleted: softDeleted || purged };
  }

  /** Runs a DELETE: true when it deleted, false when Zendesk has no such record (404). */
  private async deleteIfThere(fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await this.call(fn as () => Promise<Reply<unknown>>);
      return true;
    } catch (err) {
      if (err instanceof IntegrationError && err.status === 404) return false;
      throw err;
    }
  }

  /**
   * Redacts the whole text of every comment on every ticket the user requested (all pages), with Zendesk's
   * PUT /tickets/{id}/comments/{comment_id}/redact { text }: the characters become ▇, the ticket stays. A
   * comment already redacted (or empty) is skipped, so a retry redacts nothing twice. Answers what this call
   * redacted: tickets with at least one comment redacted, and comments.
   */
  async redactUserTickets(userId: string): Promise<{ tickets: number; comments: number }> {
    let tickets: Array<{ id: number }>;
    try {
      tickets = await this.list(() => this.client().tickets.listByUserRequested(Number(userId)));
    } catch (err) {
      // The user is already permanently deleted (a retry after deleteUser answered): their tickets were
      // redacted before it, and they can no longer be listed by them.
      if (err instanceof IntegrationError && err.status === 404) return { tickets: 0, comments: 0 };
      throw err;
    }
    let ticketCount = 0;
    let commentCount = 0;
    for (const ticket of tickets) {
      let redacted = 0;
      for (const comment of await this.rawComments(ticket.id)) {
        const text = comment.body ?? "";
        if (isRedacted(text)) continue;
        await this.call(
          () =>
            // Not in node-zendesk either: its generic request.
            this.client().tickets.request("PUT", ["tickets", ticket.id, "comments", comment.id, "redact"] as never, {
              text,
            }) as unknown as Promise<Reply<unknown>>,
        );
        redacted += 1;
      }
      if (redacted) ticketCount += 1;
      commentCount += redacted;
    }
    return { tickets: ticketCount, comments: commentCount };
  }

  /** What Zendesk holds about a user (for a data-access export): the user and each requested ticket with its comments; 404: null. */
  async exportUser(userId: string): Promise<{ user: unknown; tickets: unknown[] } | null> {
    const id = Number(userId);
    let user: unknown;
    try {
      user = await this.call(() => this.client().users.show(id) as unknown as Promise<Reply<unknown>>);
    } catch (err) {
      if (err instanceof IntegrationError && err.status === 404) return null;
      throw err;
    }
    const tickets: unknown[] = [];
    for (const ticket of await this.list(() => this.client().tickets.listByUserRequested(id)))
      tickets.push({ ...ticket, comments: await this.rawComments(ticket.id) });
    return { user, tickets };
  }

  private async rawComments(ticketId: number): Promise<Array<{ id: number; body?: string }>> {
    return (await this.list(() => this.client().tickets.getComments(ticketId))) as Array<{ id: number; body?: string }>;
  }

  async ping(): Promise<void> {
    await this.call(() => this.client().users.me() as Promise<Reply<unknown>>);
  }

  /**
   * A message to an end user: a new ticket whose first comment is public and written by us (the agent the
   * token belongs to, not the requester), so Zendesk emails it to them. Idempotency-Key = `idempotencyKey`;
   * `externalId` (optional) lets a lost answer be found again with findTicketByReference.
   */
  async sendToRequester(input: {
    requesterId: number;
    subject: string;
    body: string;
    idempotencyKey: string;
    externalId?: string;
    tags?: string[];
  }): Promise<number> {
    const me = await this.call(() => this.client().users.me() as Promise<Reply<{ id: number }>>);
    if (!me?.id) throw new PermanentError("zendesk", "users/me answered without a user id.");
    const ticket = await this.call(
      () =>
        this.client({ "Idempotency-Key": input.idempotencyKey }).tickets.create({
          ticket: {
            subject: input.subject,
            comment: { body: input.body, public: true, author_id: me.id },
            requester_id: input.requesterId,
            ...(input.externalId ? { external_id: input.externalId } : {}),
            tags: input.tags ?? [],
          },
        } as never) as Promise<Reply<{ id: number }>>,
    );
    if (!ticket?.id) throw new TransientError("zendesk", "Ticket create answered without a ticket id.");
    return ticket.id;
  }
}

/** Zendesk's redaction mark: every redacted character becomes ▇. Nothing left but marks and spaces: done. */
export const REDACTION_MARK = "\u2587";

function isRedacted(text: string): boolean {
  return /^[\s\u2587]*$/.test(text);
}
