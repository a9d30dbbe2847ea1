// Coalesces concurrent HubSpot contact writes into batch upserts: writes arriving within a short linger (or
// until `maxBatch` of them) leave as one call, one batch per idProperty (app_user_id, or email for a payer the
// app has not announced). Two writes of the same key in one linger are merged (the later values win: each is
// the customer's whole current projection) and both callers get the same contact id. Each caller waits for
// its own contact id or its own error: the writer settles every member.

/** One contact of a batch: its key, the properties to write, and who is waiting for it. */
export type BatchMember = {
  id: string;
  idProperty: string;
  properties: Record<string, string>;
  /** The correlation ids of the events whose writes were merged into this member, in arrival order. */
  correlationIds: string[];
  resolve(contactId: string): void;
  reject(error: unknown): void;
};

/**
 * Sends one batch; must settle every member (resolve or reject). A throw rejects the members still waiting.
 * `prepaid`: the gate already spent the rate budget for this batch's first call.
 */
export type BatchWriter = (idProperty: string, members: BatchMember[], prepaid: boolean) => Promise<void>;

export type BatcherOptions = {
  /** How long the first write of a batch waits for company (default 25 ms). */
  lingerMs?: number;
  /** Flush at once with this many distinct contacts (HubSpot's limit: 100). */
  maxBatch?: number;
  /**
   * Awaited before a batch leaves (the provider's rate budget): the batch keeps taking writes, up to
   * `maxBatch`, while it waits, so that when calls are scarce each one carries as many contacts as it can.
   */
  gate?: () => Promise<void>;
};

type Waiter = { resolve(id: string): void; reject(error: unknown): void };
type Entry = {
  id: string;
  properties: Record<string, string>;
  correlationIds: string[];
  waiters: Waiter[];
};
type Pending = { entries: Map<string, Entry>; timer: NodeJS.Timeout; gated?: boolean };

export class ContactBatcher {
  private readonly lingerMs: number;
  private readonly maxBatch: number;
  private readonly pending = new Map<string, Pending>();
  /** Batches sent and contacts they carried, for tests and logs. */
  readonly stats = { batches: 0, contacts: 0, merged: 0 };

  constructor(
    private readonly write: BatchWriter,
    opts: BatcherOptions = {},
  ) {
    this.lingerMs = opts.lingerMs ?? 25;
    this.maxBatch = Math.max(1, Math.min(opts.maxBatch ?? 100, 100));
    this.gate = opts.gate;
  }

  private readonly gate?: () => Promise<void>;

  /** Queues a write; resolves with its contact id, or rejects with its own error. */
  add(input: {
    id: string;
    idProperty: string;
    properties: Record<string, string>;
    correlationId?: string;
  }): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      let batch = this.pending.get(input.idProperty);
      if (!batch) {
        batch = { entries: new Map(), timer: setTimeout(() => this.flush(input.idProperty), this.lingerMs) };
        this.pending.set(input.idProperty, batch);
      }
      // HubSpot refuses a batch naming one contact twice, and compares emails without case.
      const key = input.idProperty === "email" ? input.id.toLowerCase() : input.id;
      const entry = batch.entries.get(key);
      const correlationIds = input.correlationId ? [input.correlationId] : [];
      if (entry) {
        entry.properties = { ...entry.properties, ...input.properties };
        entry.correlationIds.push(...correlationIds);
        entry.waiters.push({ resolve, reject });
        this.stats.merged += 1;
      } else {
        batch.entries.set(key, {
          id: input.id,
          properties: input.properties,
          correlationIds,
          waiters: [{ resolve, reject }],
        });
      }
      if (batch.entries.size >= this.maxBatch) {
        // Full: a batch waiting at the gate takes no more (the next write starts a new one); others leave now.
        if (batch.gated) this.pending.delete(input.idProperty);
        else this.flush(input.idProperty);
      }
    });
  }

  /** Sends what is waiting now (tests; shutdown). */
  flushAll(): void {
    for (const idProperty of [...this.pending.keys()]) this.flush(idProperty);
  }

  private flush(idProperty: string): void {
    const batch = this.pending.get(idProperty);
    if (!batch || batch.gated) return;
    clearTimeout(batch.timer);
    if (!this.gate) {
      this.pending.delete(idProperty);
      this.send(idProperty, batch, false);
      return;
    }
    batch.gated = true;
    this.gate()
      .then(
        () => true,
        () => false,
      )
      .then((paid) => {
        if (this.pending.get(idProperty) === batch) this.pending.delete(idProperty);
        this.send(idProperty, batch, paid);
      });
  }

  private send(idProperty: string, batch: Pending, prepaid: boolean): void {
    const members = [...batch.entries.values()].map((entry): BatchMember => {
      let settled = false;
      return {
        id: entry.id,
        idProperty,
        properties: entry.properties,
        correlationIds: entry.correlationIds,
        resolve: (contactId) => {
          if (settled) return;
          settled = true;
          for (const w of entry.waiters) w.resolve(contactId);
        },
        reject: (error) => {
          if (settled) return;
          settled = true;
          for (const w of entry.waiters) w.reject(error);
        },
      };
    });
    this.stats.batches += 1;
    this.stats.contacts += members.length;
    this.write(idProperty, members, prepaid).then(
      () => {
        for (const m of members) m.reject(new Error("the batch writer left this contact without an answer"));
      },
      (error: unknown) => {
        for (const m of members) m.reject(error);
      },
    );
  }
}
