// The real HubSpot SDK, pointed at HUBSPOT_BASE_URL when set. Contact writes are upserts keyed by
// `app_user_id` (by email for a payer the app has not announced), never search-then-create: HubSpot search
// lags behind writes. Concurrent writes are coalesced into batch upserts (ContactBatcher), each caller still
// getting its own contact id or its own error; every call first spends the account's rate budget.
import { Client } from "@hubspot/api-client";
import type { RateBudget } from "@/lib/integrations/budget";
import { log } from "@/lib/log";
import { PermanentError } from "../errors";
import { type BatchMember, ContactBatcher, type BatcherOptions } from "./batcher";
import { classifyHubspotError, existingContactId, isMissingProperty } from "./errors";
import { CUSTOM_PROPERTIES, ensureContactProperties, type ContactProperty } from "./properties";

export type HubspotConfig = {
  accessToken: string;
  baseUrl?: string;
  timeoutMs?: number;
  /** The account's shared rate budget (HUBSPOT_RATE_LIMIT), spent before every call; none: unlimited. */
  budget?: RateBudget;
  /** Contact-write coalescing: linger (default 25 ms) and batch size (default 100). */
  batch?: BatcherOptions;
};
export type ContactWrite = {
  /** The upsert key; null for a payer the app has not announced, whose contact is keyed by email. */
  appUserId: string | null;
  email?: string | null;
  properties: Partial<Record<ContactProperty, string | null>>;
};

type UpsertResult = { id: string; properties?: Record<string, string | null> };

export class HubspotService {
  private readonly client: Client;
  private propertiesReady: Promise<void> | undefined;
  readonly batcher: ContactBatcher;

  constructor(private readonly config: HubspotConfig) {
    this.client = new Client({ accessToken: config.accessToken, basePath: config.baseUrl, numberOfApiCallRetries: 0 });
    const budget = config.budget;
    this.batcher = new ContactBatcher(
      (idProperty, members, prepaid) => this.writeBatch(idProperty, members, false, prepaid),
      {
        ...config.batch,
        // The properties first (their calls spend the budget themselves), so that the batch's own call leaves
        // right after its unit is granted; a failure there is the batch's, reported by writeBatch.
        gate: budget ? () => this.ensureProperties().then(() => budget.spend()) : undefined,
      },
    );
  }

  /**
   * Creates or updates the contact of an app user; returns the HubSpot contact id. Writes from concurrent
   * events leave together as one batch upsert; the error, if any, is this write's own.
   */
  async upsertContact(write: ContactWrite, opts: { correlationId?: string } = {}): Promise<string> {
    const properties = clean({
      ...write.properties,
      ...(write.email ? { email: write.email } : {}),
      ...(write.appUserId ? { app_user_id: write.appUserId } : {}),
    });
    const key = write.appUserId
      ? { id: write.appUserId, idProperty: "app_user_id" }
      : write.email
        ? { id: write.email, idProperty: "email" }
        : undefined;
    if (!key) throw new PermanentError("hubspot", "A contact needs an app user id or an email to be keyed on.");
    return this.batcher.add({ ...key, properties, correlationId: opts.correlationId });
  }

  /**
   * Writes one batch and settles each member. A missing property is created and the batch sent once more; a
   * 400 or 409 for a batch of several is split in halves (down to single inputs) so only the bad input fails;
   * a single input whose email belongs to a contact made elsewhere adopts that contact. Any other error
   * (429, 5xx, timeout) is every member's, classified: the steps retry it.
   */
  private async writeBatch(
    idProperty: string,
    members: BatchMember[],
    propertiesRetried = false,
    prepaid = false,
  ): Promise<void> {
    const fail = (err: unknown) => {
      const error = classifyHubspotError(err);
      for (const m of members) m.reject(error);
    };
    try {
      await this.ensureProperties();
    } catch (err) {
      return fail(err);
    }
    let results: UpsertResult[];
    try {
      results = await this.sendBatch(idProperty, members, prepaid);
    } catch (err) {
      if (isMissingProperty(err) && !propertiesRetried) {
        // Someone deleted a property since we checked: create it again, then write once more.
        this.propertiesReady = undefined;
        return this.writeBatch(idProperty, members, true);
      }
      const status = (err as { code?: number })?.code;
      if (members.length > 1 && (status === 400 || status === 409) && !isMissingProperty(err)) {
        const half = Math.ceil(members.length / 2);
        log.info("hubspot.batch_split", {
          status,
          size: members.length,
          correlationIds: members.flatMap((m) => m.correlationIds),
        });
        await Promise.all([
          this.writeBatch(idProperty, members.slice(0, half), propertiesRetried),
          this.writeBatch(idProperty, members.slice(half), propertiesRetried),
        ]);
        return;
      }
      const existing = members.length === 1 ? existingContactId(err) : undefined;
      if (!existing) return fail(err);
      // The email already belongs to a contact made elsewhere (a form, an import): adopt that contact.
      try {
        await this.spend();
        const call = callOptions(members[0]!.correlationIds[0]);
        await this.withTimeout(
          this.client.crm.contacts.basicApi.update(existing, { properties: members[0]!.properties }, undefined, call),
        );
        members[0]!.resolve(existing);
      } catch (again) {
        fail(again);
      }
      return;
    }
    // HubSpot does not promise the answer's order: match each result to its input by the key's value.
    const norm = (v: string | null | undefined) => (idProperty === "email" ? (v ?? "").toLowerCase() : (v ?? ""));
    const byKey = new Map(results.map((r) => [norm(r.properties?.[idProperty]), r.id]));
    members.forEach((m, i) => {
      const id = byKey.get(norm(m.id)) ?? (results.length === members.length ? results[i]?.id : undefined);
      if (id) m.resolve(id);
      else m.reject(new PermanentError("hubspot", "Upsert answered without a contact id."));
    });
  }

  private async sendBatch(idProperty: string, members: BatchMember[], prepaid = false): Promise<UpsertResult[]> {
    const correlationIds = members.flatMap((m) => m.correlationIds);
    // One header per call: the first member's correlation id; the log line names them all.
    const call = callOptions(correlationIds[0]);
    if (members.length > 1)
      log.info("hubspot.batch_upsert", { correlationId: correlationIds[0], size: members.length, correlationIds });
    if (!prepaid) await this.spend();
    const res = await this.withTimeout(
      this.client.crm.contacts.batchApi.upsert(
        { inputs: members.map((m) => ({ id: m.id, idProperty, properties: m.properties })) },
        call,
      ),
    );
    return res.results as UpsertResult[];
  }

  private spend(): Promise<void> {
    return this.config.budget?.spend() ?? Promise.resolve();
  }

  /**
   * Reads contacts back by HubSpot id (up to 100 per call, as HubSpot's batch read allows) with the given
   * properties: contact id → its properties (null for an empty one). A contact HubSpot no longer has is absent.
   */
  async readContacts(ids: string[], properties: string[]): Promise<Map<string, Record<string, string | null>>> {
    const found = new Map<string, Record<string, string | null>>();
    for (let i = 0; i < ids.length; i += 100) {
      const inputs = ids.slice(i, i + 100).map((id) => ({ id }));
      try {
        await this.spend();
        const res = await this.withTimeout(
          this.client.crm.contacts.batchApi.read({ inputs, properties, propertiesWithHistory: [] }, false),
        );
        for (const r of res.results) found.set(r.id, { ...r.properties });
      } catch (err) {
        throw classifyHubspotError(err);
      }
    }
    return found;
  }

  /**
   * Erases a contact with HubSpot's GDPR delete (POST /crm/v3/objects/contacts/gdpr-delete): the contact and
   * its email are purged, not archived, so nothing restores it. 404: already gone, which a retry or a replay
   * after an answer lost to a timeout must treat as done (`deleted: false`).
   */
  async gdprDeleteContact(contactId: string): Promise<{ deleted: boolean }> {
    try {
      await this.spend();
      await this.withTimeout(this.client.crm.contacts.basicApi.purge({ objectId: contactId }));
      return { deleted: true };
    } catch (err) {
      if ((err as { code?: number })?.code === 404) return { deleted: false };
      throw classifyHubspotError(err);
    }
  }

  /** The contact with the properties we write and the person's own (for a data-access export); 404: null. */
  async exportContact(contactId: string): Promise<Record<string, unknown> | null> {
    try {
      await this.spend();
      const contact = await this.withTimeout(this.client.crm.contacts.basicApi.getById(contactId, EXPORT_PROPERTIES));
      return {
        id: contact.id,
        properties: { ...contact.properties },
        createdAt: contact.createdAt?.toISOString?.() ?? null,
        updatedAt: contact.updatedAt?.toISOString?.() ?? null,
        archived: contact.archived ?? false,
      };
    } catch (err) {
      if ((err as { code?: number })?.code === 404) return null;
      throw classifyHubspotError(err);
    }
  }

  /** A cheap authenticated call for the readiness checks. */
  async ping(): Promise<void> {
    try {
      await this.spend();
      await this.withTimeout(this.client.crm.properties.coreApi.getByName("contacts", "email"));
    } catch (err) {
      throw classifyHubspotError(err);
    }
  }

  private ensureProperties(): Promise<void> {
    this.propertiesReady ??= this.withTimeout(ensureContactProperties(this.client, () => this.spend())).catch((err) => {
      this.propertiesReady = undefined;
      throw err;
    });
    return this.propertiesReady;
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    const ms = this.config.timeoutMs ?? 10_000;
    let timer: NodeJS.Timeout;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`HubSpot did not answer within ${ms} ms`), { name: "TimeoutError" })),
        ms,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

/** What an export reads: every property we write plus the person's own. */
const EXPORT_PROPERTIES = [
  ...CUSTOM_PROPERTIES.map((p) => p.name),
  "email",
  "firstname",
  "lastname",
  "lifecyclestage",
  "createdate",
  "lastmodifieddate",
];

type CallOptions = NonNullable<Parameters<Client["crm"]["contacts"]["batchApi"]["upsert"]>[1]>;

/**
 * Per-call options that send the correlation id as X-Correlation-Id (and keep the client's own headers):
 * the 13.x SDK applies its `defaultHeaders` only when a call passes options, so every write passes these.
 */
function callOptions(correlationId?: string): CallOptions {
  return {
    middlewareMergeStrategy: "append",
    middleware: [
      {
        pre: async (context) => {
          if (correlationId) context.setHeaderParam("X-Correlation-Id", correlationId);
          return context;
        },
        post: async (context) => context,
      },
    ],
  };
}

function clean(props: Record<string, string | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (v !== undefined) out[k] = v ?? "";
  return out;
}
