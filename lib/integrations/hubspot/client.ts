// The real HubSpot SDK, pointed at HUBSPOT_BASE_URL when set. Contact writes are upserts keyed by
// `app_user_id` (by email for a payer the app has not announced), never search-then-create: HubSpot search
// lags behind writes.
import { Client } from "@hubspot/api-client";
import { PermanentError } from "../errors";
import { classifyHubspotError, existingContactId, isMissingProperty } from "./errors";
import { ensureContactProperties, type ContactProperty } from "./properties";

export type HubspotConfig = { accessToken: string; baseUrl?: string; timeoutMs?: number };
export type ContactWrite = {
  /** The upsert key; null for a payer the app has not announced, whose contact is keyed by email. */
  appUserId: string | null;
  email?: string | null;
  properties: Partial<Record<ContactProperty, string | null>>;
};

export class HubspotService {
  private readonly client: Client;
  private propertiesReady: Promise<void> | undefined;

  constructor(private readonly config: HubspotConfig) {
    this.client = new Client({ accessToken: config.accessToken, basePath: config.baseUrl, numberOfApiCallRetries: 0 });
  }

  /** Creates or updates the contact of an app user; returns the HubSpot contact id. */
  async upsertContact(write: ContactWrite, opts: { correlationId?: string } = {}): Promise<string> {
    const call = callOptions(opts.correlationId);
    try {
      await this.ensureProperties();
      return await this.upsertOnce(write, call);
    } catch (err) {
      if (!isMissingProperty(err)) throw classifyHubspotError(err);
      // Someone deleted a property since we checked: create it again, then write once more.
      this.propertiesReady = undefined;
      try {
        await this.ensureProperties();
        return await this.upsertOnce(write, call);
      } catch (again) {
        throw classifyHubspotError(again);
      }
    }
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

  /** A cheap authenticated call for the readiness checks. */
  async ping(): Promise<void> {
    try {
      await this.withTimeout(this.client.crm.properties.coreApi.getByName("contacts", "email"));
    } catch (err) {
      throw classifyHubspotError(err);
    }
  }

  private ensureProperties(): Promise<void> {
    this.propertiesReady ??= this.withTimeout(ensureContactProperties(this.client)).catch((err) => {
      this.propertiesReady = undefined;
      throw err;
    });
    return this.propertiesReady;
  }

  private async upsertOnce(write: ContactWrite, call: CallOptions): Promise<string> {
    const client = this.client;
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
    try {
      const res = await this.withTimeout(
        client.crm.contacts.batchApi.upsert({ inputs: [{ ...key, properties }] }, call),
      );
      const id = res.results[0]?.id;
      if (!id) throw new PermanentError("hubspot", "Upsert answered without a contact id.");
      return id;
    } catch (err) {
      // The email already belongs to a contact made elsewhere (a form, an import): adopt that contact.
      const existing = existingContactId(err);
      if (!existing) throw err;
      await this.withTimeout(client.crm.contacts.basicApi.update(existing, { properties }, undefined, call));
      return existing;
    }
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
