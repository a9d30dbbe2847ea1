// Intercom through the official intercom-client (Fern-generated, API 2.11), pointed at INTERCOM_BASE_URL when
// set. The SDK's own retries are off: the pipeline retries with backoff and honours Retry-After /
// X-RateLimit-Reset. Every failure comes out as a TransientError or a PermanentError (service "intercom").
import { IntercomClient } from "intercom-client";
import { IntegrationError, PermanentError, TransientError } from "../errors";
import { classifyIntercomError } from "./errors";
import { stripHtml, textToEmailHtml } from "./html";
import type { ContactRow, ConversationRow } from "./types";

export { classifyIntercomError, intercomRetryAfterMs } from "./errors";
export { textToEmailHtml } from "./html";

export type IntercomConfig = { token: string; baseUrl?: string; timeoutMs?: number };

/** The conversation data attribute that holds our reference (SUP-…). */
export const REFERENCE_ATTRIBUTE = "reference";
/** The first line of the internal note with the app's context: how a retry knows it is already there. */
export const NOTE_MARKER = "Context from the app";

export class IntercomService {
  private readonly client: IntercomClient;
  private referenceAttributeReady: Promise<void> | undefined;
  private adminId: Promise<string> | undefined;

  constructor(readonly config: IntercomConfig) {
    this.client = new IntercomClient({
      token: config.token,
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      version: "2.11",
      maxRetries: 0,
      timeoutInSeconds: (config.timeoutMs ?? 10_000) / 1000,
    });
  }

  /** Where the API lives (the sandbox or a compatible server when INTERCOM_BASE_URL is set). */
  get baseUrl(): string {
    return this.config.baseUrl ?? "https://api.intercom.io";
  }

  private async call<T>(fn: (c: IntercomClient) => Promise<T>): Promise<T> {
    try {
      return await fn(this.client);
    } catch (err) {
      throw classifyIntercomError(err);
    }
  }

  private headers(correlationId?: string) {
    return correlationId ? { headers: { "X-Correlation-Id": correlationId } } : undefined;
  }

  /** The admin the token belongs to (GET /me). */
  async me(): Promise<{ id: string; name?: string; email?: string; appId?: string }> {
    const me = (await this.call((c) => c.admins.identify())) as
      | { id?: string | number; name?: string; email?: string; app?: { id_code?: string } }
      | undefined;
    if (!me?.id) throw new PermanentError("intercom", "GET /me answered without an admin id.");
    return { id: String(me.id), name: me.name, email: me.email, appId: me.app?.id_code };
  }

  async ping(): Promise<void> {
    await this.me();
  }

  /** The admin notes are written as (the token's own admin), asked once per process. */
  adminIdOf(): Promise<string> {
    this.adminId ??= this.me().then(
      (m) => m.id,
      (err) => {
        this.adminId = undefined;
        throw err;
      },
    );
    return this.adminId;
  }

  private async searchContacts(field: string, value: string, correlationId?: string): Promise<ContactRow[]> {
    const page = await this.call((c) =>
      c.contacts.search(
        { query: { field, operator: "=", value }, pagination: { per_page: 5 } },
        this.headers(correlationId),
      ),
    );
    return (page.data ?? []) as unknown as ContactRow[];
  }

  /**
   * The contact for this app user, and how we know it is them. One whose external_id is our app user id was
   * made by us (perhaps by an attempt whose answer was lost) or by the Messenger: `id`. Otherwise a contact
   * with that email and no external id is adopted (given ours): the same address, not proven the same person
   * (`email`). Else a new user is created with our external_id (`id`). Intercom's search lags behind its
   * writes, so a create refused as a duplicate (409 "already exists with id=…") is that contact.
   */
  async ensureContact(input: {
    appUserId: string;
    email: string;
    name?: string | null;
    correlationId?: string;
  }): Promise<{ id: string; matchedBy: "id" | "email" }> {
    const [ours] = await this.searchContacts("external_id", input.appUserId, input.correlationId);
    if (ours?.id) return { id: ours.id, matchedBy: "id" };
    const byEmail = await this.searchContacts("email", input.email.toLowerCase(), input.correlationId);
    const free = byEmail.find((c) => !c.external_id);
    if (free) {
      await this.call((c) =>
        c.contacts.update(
          { contact_id: free.id, external_id: input.appUserId, role: "user" },
          this.headers(input.correlationId),
        ),
      );
      return { id: free.id, matchedBy: "email" };
    }
    try {
      const made = (await this.client.contacts.create(
        {
          role: "user",
          external_id: input.appUserId,
          email: input.email,
          ...(input.name ? { name: input.name } : {}),
        } as never,
        this.headers(input.correlationId),
      )) as unknown as ContactRow;
      if (!made?.id) throw new TransientError("intercom", "Contact create answered without an id.");
      return { id: made.id, matchedBy: "id" };
    } catch (err) {
      const e = classifyIntercomError(err);
      const existing = e.status === 409 ? /id=([A-Za-z0-9]+)/.exec(e.message)?.[1] : undefined;
      if (existing) return { id: existing, matchedBy: byEmail.length ? "email" : "id" };
      // Someone else (another external id) has the email: the request still reaches support through them.
      if (e.status === 409 && byEmail[0]) return { id: byEmail[0].id, matchedBy: "email" };
      throw e;
    }
  }

  /**
   * Makes sure conversations can hold our reference: a conversation data attribute `reference` (text).
   * Intercom refuses custom attributes it does not know, so it is created once when missing.
   */
  ensureReferenceAttribute(): Promise<void> {
    this.referenceAttributeReady ??= (async () => {
      const list = (await this.call((c) => c.dataAttributes.list({ model: "conversation" } as never))) as unknown as {
        data?: Array<{ name?: string }>;
      };
      if ((list.data ?? []).some((a) => a.name === REFERENCE_ATTRIBUTE)) return;
      try {
        await this.client.dataAttributes.create({
          name: REFERENCE_ATTRIBUTE,
          model: "conversation",
          data_type: "string",
          description: "The founder-ops console's support reference (SUP-…)",
        } as never);
      } catch (err) {
        const e = classifyIntercomError(err);
        // Made meanwhile by another process: fine.
        if (!(e.status === 400 && /already exists|taken/i.test(e.message))) throw e;
      }
    })().catch((err) => {
      this.referenceAttributeReady = undefined;
      throw err;
    });
    return this.referenceAttributeReady;
  }

  /**
   * The conversation made for this reference, if any: first by the `reference` attribute; then, for a create
   * whose answer was lost before the attribute was set, among the contact's conversations by the reference
   * written in the customer's first message (and the attribute is then set).
   */
  async findConversationByReference(
    reference: string,
    opts: { contactId?: string; correlationId?: string } = {},
  ): Promise<string | undefined> {
    const page = await this.call((c) =>
      c.conversations.search(
        {
          query: { field: `custom_attributes.${REFERENCE_ATTRIBUTE}`, operator: "=", value: reference },
          pagination: { per_page: 5 },
        },
        this.headers(opts.correlationId),
      ),
    );
    const found = (page.data ?? []) as unknown as ConversationRow[];
    if (found[0]?.id) return found[0].id;
    if (!opts.contactId) return undefined;
    const contactId = opts.contactId;
    const mine = await this.call((c) =>
      c.conversations.search(
        { query: { field: "contact_ids", operator: "=", value: contactId }, pagination: { per_page: 150 } },
        this.headers(opts.correlationId),
      ),
    );
    const lost = ((mine.data ?? []) as unknown as ConversationRow[]).find((c) =>
      (c.source?.body ?? "").includes(reference),
    );
    if (!lost) return undefined;
    await this.setReference(lost.id, reference, opts.correlationId);
    return lost.id;
  }

  private async setReference(conversationId: string, reference: string, correlationId?: string): Promise<void> {
    const update = () =>
      this.call((c) =>
        c.conversations.update(
          { conversation_id: conversationId, custom_attributes: { [REFERENCE_ATTRIBUTE]: reference } },
          this.headers(correlationId),
        ),
      );
    await this.ensureReferenceAttribute();
    try {
      await update();
    } catch (err) {
      // The attribute went away since this process checked (archived or deleted in Intercom): check again once.
      if (!(err instanceof IntegrationError && err.status === 400 && /attribute/i.test(err.message))) throw err;
      this.referenceAttributeReady = undefined;
      await this.ensureReferenceAttribute();
      await update();
    }
  }

  /**
   * A conversation started by the contact (the customer authors the first message, so the workspace's own
   * auto-acknowledgement and assignment rules apply), then our reference set as its `reference` attribute.
   * The body carries the reference too: a create whose answer was lost is found again by it. Search first
   * (findConversationByReference): this call is not idempotent on its own.
   */
  async createConversation(input: {
    contactId: string;
    body: string;
    reference: string;
    correlationId?: string;
  }): Promise<{ id: string; createdAt: Date }> {
    await this.ensureReferenceAttribute();
    const message = (await this.call((c) =>
      c.conversations.create(
        { from: { type: "user", id: input.contactId }, body: input.body },
        this.headers(input.correlationId),
      ),
    )) as unknown as { conversation_id?: string | number; id?: string; created_at?: number };
    if (!message?.conversation_id)
      throw new TransientError("intercom", "Conversation create answered without a conversation id.");
    const id = String(message.conversation_id);
    await this.setReference(id, input.reference, input.correlationId);
    return { id, createdAt: message.created_at ? new Date(message.created_at * 1000) : new Date() };
  }

  /** A contact by its Intercom id, or undefined when Intercom no longer has it (404). */
  async getContact(contactId: string, correlationId?: string): Promise<ContactRow | undefined> {
    try {
      return (await this.call((c) =>
        c.contacts.find({ contact_id: contactId }, this.headers(correlationId)),
      )) as unknown as ContactRow;
    } catch (err) {
      if (err instanceof IntegrationError && err.status === 404) return undefined;
      throw err;
    }
  }

  /**
   * Deletes the contact (DELETE /contacts/{id}); Intercom keeps no copy to restore. 404: already gone, which a
   * retry after a lost answer must treat as done (`deleted: false`).
   */
  async deleteContact(contactId: string): Promise<{ deleted: boolean }> {
    try {
      await this.call((c) => c.contacts.delete({ contact_id: contactId }));
      return { deleted: true };
    } catch (err) {
      if (err instanceof IntegrationError && err.status === 404) return { deleted: false };
      throw err;
    }
  }

  /** What Intercom holds about a contact (for a data-access export): the contact and every conversation with its parts; 404: null. */
  async exportContact(contactId: string): Promise<{ contact: unknown; conversations: unknown[] } | null> {
    const contact = await this.getContact(contactId);
    if (!contact) return null;
    const ids: string[] = [];
    await this.call(async (c) => {
      const pages = await c.conversations.search({
        query: { field: "contact_ids", operator: "=", value: contactId },
        pagination: { per_page: 150 },
      });
      for await (const row of pages) ids.push(String((row as { id: string | number }).id));
    });
    const conversations: unknown[] = [];
    for (const id of ids) conversations.push(await this.getConversation(id));
    return { contact, conversations };
  }

  /**
   * The admin-initiated message to this contact whose body carries `reference`, if one was sent. Intercom has
   * no idempotency key for POST /messages, so this is how a repeat (or a retry after an answer lost to a
   * timeout) knows the email already went out: the message is sent with create_conversation_without_contact_reply,
   * so it opens a conversation whose source is the message itself (delivered_as "admin_initiated", source.id =
   * the message id); the contact's conversations (the 150 most recent) are searched for one whose source body
   * holds the reference. Simpler than a conversation attribute (no second write that could fail after the send).
   * Limit: Intercom's search index lags a few seconds behind writes, so a retry within those seconds may not see
   * it; the caller's own record of the action covers repeats of an answered send.
   */
  async findAdminMessage(
    contactId: string,
    reference: string,
    correlationId?: string,
  ): Promise<{ messageId: string | undefined; conversationId: string } | undefined> {
    const page = await this.call((c) =>
      c.conversations.search(
        { query: { field: "contact_ids", operator: "=", value: contactId }, pagination: { per_page: 150 } },
        this.headers(correlationId),
      ),
    );
    const sent = ((page.data ?? []) as unknown as ConversationRow[]).find(
      (c) =>
        c.source?.delivered_as === "admin_initiated" &&
        c.source.author?.type === "admin" &&
        (c.source.body ?? "").includes(reference),
    );
    if (!sent) return undefined;
    return { messageId: sent.source?.id !== undefined ? String(sent.source.id) : undefined, conversationId: sent.id };
  }

  /**
   * An email from the token's admin to the contact (POST /messages, template "plain"); the plain-text body is
   * sent as simple HTML. Not idempotent on its own: call findAdminMessage first, with a reference written in
   * the body. create_conversation_without_contact_reply opens the conversation at once (else Intercom makes
   * none until the contact replies), so the team sees the email in the inbox and a retry can find it.
   */
  async sendAdminEmail(input: {
    contactId: string;
    contactRole?: "user" | "lead";
    subject: string;
    body: string;
    correlationId?: string;
  }): Promise<{ messageId: string; conversationId: string | undefined; createdAt: Date }> {
    const adminId = await this.adminIdOf();
    const message = (await this.call((c) =>
      c.messages.create(
        {
          message_type: "email",
          subject: input.subject,
          body: textToEmailHtml(input.body),
          template: "plain",
          // Intercom's admin ids are numbers (the SDK types them so); /me answers them as strings.
          from: { type: "admin", id: Number(adminId) },
          to: { type: input.contactRole ?? "user", id: input.contactId },
          create_conversation_without_contact_reply: true,
        },
        this.headers(input.correlationId),
      ),
    )) as unknown as { id?: string | number; conversation_id?: string | number | null; created_at?: number };
    if (!message?.id) throw new TransientError("intercom", "Message create answered without an id.");
    return {
      messageId: String(message.id),
      conversationId: message.conversation_id ? String(message.conversation_id) : undefined,
      createdAt: message.created_at ? new Date(message.created_at * 1000) : new Date(),
    };
  }

  /** A conversation with its parts (plain text). */
  async getConversation(conversationId: string, correlationId?: string): Promise<ConversationRow> {
    return (await this.call((c) =>
      c.conversations.find({ conversation_id: conversationId, display_as: "plaintext" }, this.headers(correlationId)),
    )) as unknown as ConversationRow;
  }

  /**
   * The app's context as an internal note (seen by agents only), written once: a note that starts with
   * NOTE_MARKER already among the conversation's parts is not written again. Answers whether it wrote one.
   */
  async addNote(
    conversationId: string,
    adminId: string,
    body: string,
    correlationId?: string,
  ): Promise<{ added: boolean; conversationCreatedAt?: Date }> {
    const conversation = await this.getConversation(conversationId, correlationId);
    const conversationCreatedAt = conversation.created_at ? new Date(conversation.created_at * 1000) : undefined;
    const marker = body.split("\n")[0] ?? body;
    const parts = conversation.conversation_parts?.conversation_parts ?? [];
    if (parts.some((p) => p.part_type === "note" && stripHtml(p.body ?? "").includes(marker)))
      return { added: false, conversationCreatedAt };
    await this.call((c) =>
      c.conversations.reply(
        { conversation_id: conversationId, body: { message_type: "note", type: "admin", admin_id: adminId, body } },
        this.headers(correlationId),
      ),
    );
    return { added: true, conversationCreatedAt };
  }
}
