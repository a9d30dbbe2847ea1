// HubSpot contacts: unique email and unique-value properties, upsert, and an eventually consistent search.
import { HubspotError, builtInGroups, builtInProperties, validateValues } from "./hubspot-properties";
import type { PurgedContact } from "./hubspot-gdpr";
import type { PropertyDef, PropertyGroup } from "./hubspot-properties";
import { StateError, nextCounter, record, records } from "./persistence";
import { isRecord } from "./util";

export type Contact = {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  /** Past states with the time they were written: search only sees those older than the lag. */
  versions: { at: number; properties: Record<string, string> }[];
  writes: number;
};

export type UpsertInput = { id: string; idProperty: string; properties?: Record<string, unknown> };

const DEFAULT_PROPS = ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"];
const SYSTEM_PROPS = ["createdate", "hs_object_id", "lastmodifieddate"];

export class ContactStore {
  contacts = new Map<string, Contact>();
  properties = new Map<string, PropertyDef>();
  groups = new Map<string, PropertyGroup>();
  writesByEmail: Record<string, number> = {};
  /** Contacts erased with the GDPR delete (hubspot-gdpr.ts): id and time only. */
  purged: PurgedContact[] = [];
  private nextId = 1001;
  /** property → value → contact id, for email and unique-value properties: lookups in O(1), as HubSpot's
   * own, so that a benchmark's 10,000th upsert costs what its first did. Built on first use, kept on write. */
  private unique = new Map<string, Map<string, string>>();

  constructor(public searchLagMs = 0) {
    this.clear();
  }

  clear(): void {
    this.contacts.clear();
    this.unique.clear();
    this.properties = new Map(builtInProperties().map((p) => [p.name, p]));
    this.groups = new Map(builtInGroups().map((g) => [g.name, g]));
    this.writesByEmail = {};
    this.purged = [];
    // Ids keep counting: HubSpot never hands out an id twice, and a database that outlives a reset still
    // holds the old ones.
  }

  /** Contacts (with their versions), properties, groups, write counts and the next id, as plain JSON. */
  dump(): Record<string, unknown> {
    return {
      nextId: this.nextId,
      contacts: [...this.contacts.values()],
      properties: [...this.properties.values()],
      groups: [...this.groups.values()],
      writesByEmail: { ...this.writesByEmail },
      purged: [...this.purged],
    };
  }

  /** Replaces everything with a dump(); ids continue after the highest one ever handed out. */
  restore(state: unknown): void {
    const s = record(state, "hubspot state");
    const contacts = records<Contact>(s.contacts, "hubspot contacts");
    const properties = records<PropertyDef>(s.properties, "hubspot properties");
    const groups = records<PropertyGroup>(s.groups, "hubspot property groups");
    const writesByEmail = record(s.writesByEmail ?? {}, "hubspot writesByEmail");
    // Files saved before the GDPR delete existed have no list.
    const purged = s.purged === undefined ? [] : records<PurgedContact>(s.purged, "hubspot purged contacts");
    for (const c of contacts) {
      if (typeof c.id !== "string" || !isRecord(c.properties) || !Array.isArray(c.versions))
        throw new StateError("a hubspot contact is malformed");
    }
    if (!properties.every((p) => typeof p.name === "string") || !groups.every((g) => typeof g.name === "string"))
      throw new StateError("a hubspot property or group has no name");
    this.clear();
    this.contacts = new Map(contacts.map((c) => [c.id, c]));
    this.properties = new Map(properties.map((p) => [p.name, p]));
    this.groups = new Map(groups.map((g) => [g.name, g]));
    this.writesByEmail = Object.fromEntries(
      Object.entries(writesByEmail).filter((e): e is [string, number] => typeof e[1] === "number"),
    );
    this.purged = purged;
    this.nextId = nextCounter(s.nextId, [...this.contacts.keys()].map(Number), 1001);
  }

  /** Finds a contact by id, or by the value of `idProperty` (email or a unique-value property). */
  find(idOrValue: string, idProperty?: string): Contact | undefined {
    if (!idProperty || idProperty === "hs_object_id") return this.contacts.get(idOrValue);
    this.checkIdProperty(idProperty);
    return this.findBy(idProperty, idOrValue);
  }

  create(input: unknown): Contact {
    const props = validateValues(input, this.properties);
    this.checkUnique(props);
    const now = new Date().toISOString();
    const id = String(this.nextId++);
    const contact: Contact = {
      id,
      properties: { ...props, createdate: props.createdate || now, hs_object_id: id, lastmodifieddate: now },
      createdAt: now,
      updatedAt: now,
      versions: [],
      writes: 0,
    };
    this.contacts.set(id, contact);
    this.indexContact(contact);
    this.recordWrite(contact);
    return contact;
  }

  update(contact: Contact, input: unknown): Contact {
    const props = validateValues(input, this.properties);
    this.checkUnique(props, contact.id);
    const now = new Date().toISOString();
    this.unindexContact(contact);
    contact.properties = { ...contact.properties, ...props, lastmodifieddate: now };
    this.indexContact(contact);
    contact.updatedAt = now;
    this.recordWrite(contact);
    return contact;
  }

  archive(contact: Contact): void {
    this.unindexContact(contact);
    this.contacts.delete(contact.id);
  }

  /** Batch upsert: validates every input first (all or nothing), then creates or updates each. */
  upsert(inputs: unknown): { contact: Contact; isNew: boolean }[] {
    if (!Array.isArray(inputs) || inputs.length === 0)
      throw new HubspotError(400, "VALIDATION_ERROR", "inputs must be a non-empty array");
    if (inputs.length > 100) throw new HubspotError(400, "VALIDATION_ERROR", "Batch input is limited to 100 inputs");
    const seen = new Set<string>();
    const plans = inputs.map((raw) => {
      if (!isRecord(raw) || typeof raw.id !== "string" || typeof raw.idProperty !== "string") {
        throw new HubspotError(400, "VALIDATION_ERROR", "each input needs string id and idProperty");
      }
      const input = raw as UpsertInput;
      this.checkIdProperty(input.idProperty);
      const key = `${input.idProperty}:${input.idProperty === "email" ? input.id.toLowerCase() : input.id}`;
      if (seen.has(key))
        throw new HubspotError(400, "VALIDATION_ERROR", `Duplicate IDs found in batch input: [${input.id}]`);
      seen.add(key);
      const props = {
        ...validateValues(input.properties, this.properties),
        ...validateValues({ [input.idProperty]: input.id }, this.properties),
      };
      const existing = this.findBy(input.idProperty, input.id);
      this.checkUnique(props, existing?.id);
      return { existing, props };
    });
    return plans.map(({ existing, props }) =>
      existing ? { contact: this.update(existing, props), isNew: false } : { contact: this.create(props), isNew: true },
    );
  }

  /** Batch read: `inputs` of `{ id }` (by HubSpot id, or by `idProperty`), at most 100; found and missing ids. */
  readMany(inputs: unknown, idProperty?: string): { found: Contact[]; missing: string[] } {
    if (!Array.isArray(inputs) || inputs.length === 0)
      throw new HubspotError(400, "VALIDATION_ERROR", "inputs must be a non-empty array");
    if (inputs.length > 100) throw new HubspotError(400, "VALIDATION_ERROR", "Batch input is limited to 100 inputs");
    const found: Contact[] = [];
    const missing: string[] = [];
    for (const raw of inputs) {
      if (!isRecord(raw) || typeof raw.id !== "string")
        throw new HubspotError(400, "VALIDATION_ERROR", "each input needs a string id");
      const contact = this.find(raw.id, idProperty);
      if (contact) found.push(contact);
      else missing.push(raw.id);
    }
    return { found, missing };
  }

  /** POST /search: filterGroups (OR of ANDs), sorts, query, properties, limit, after. */
  search(body: unknown): {
    total: number;
    results: { contact: Contact; properties: Record<string, string> }[];
    after?: string;
  } {
    const req = isRecord(body) ? body : {};
    const horizon = Date.now() - this.searchLagMs;
    const visible = [...this.contacts.values()].flatMap((contact) => {
      const version = [...contact.versions].reverse().find((v) => v.at <= horizon);
      return version ? [{ contact, properties: version.properties }] : [];
    });
    const groups = Array.isArray(req.filterGroups) ? req.filterGroups.filter(isRecord) : [];
    const text = typeof req.query === "string" ? req.query.toLowerCase() : "";
    const matched = visible.filter(({ properties }) => {
      if (
        text &&
        !["email", "firstname", "lastname", "phone", "company"].some((p) =>
          (properties[p] ?? "").toLowerCase().includes(text),
        )
      )
        return false;
      if (groups.length === 0) return true;
      return groups.some((g) =>
        (Array.isArray(g.filters) ? g.filters.filter(isRecord) : []).every((f) => matchFilter(properties, f)),
      );
    });
    sortRows(matched, req.sorts);
    const limit = Math.min(Math.max(Number(req.limit ?? 10) || 10, 1), 200);
    const offset = Number(req.after ?? 0) || 0;
    const page = matched.slice(offset, offset + limit);
    return {
      total: matched.length,
      results: page,
      after: offset + limit < matched.length ? String(offset + limit) : undefined,
    };
  }

  /** The API view of a contact: requested properties (plus the system ones), else the default set. */
  view(contact: Contact, requested?: string[], source = contact.properties): Record<string, unknown> {
    const names = requested && requested.length > 0 ? [...new Set([...requested, ...SYSTEM_PROPS])] : DEFAULT_PROPS;
    const properties: Record<string, string | null> = {};
    for (const name of names) properties[name] = source[name] ?? null;
    return { id: contact.id, properties, createdAt: contact.createdAt, updatedAt: contact.updatedAt, archived: false };
  }

  /** After a write: every property the contact has (what create/update/upsert answer). */
  written(contact: Contact): Record<string, unknown> {
    return {
      id: contact.id,
      properties: { ...contact.properties },
      createdAt: contact.createdAt,
      updatedAt: contact.updatedAt,
      archived: false,
    };
  }

  private findBy(prop: string, value: string): Contact | undefined {
    const wanted = prop === "email" ? value.toLowerCase() : value;
    if (wanted === "") return undefined;
    if (prop !== "email" && !this.properties.get(prop)?.hasUniqueValue) {
      return [...this.contacts.values()].find((c) => c.properties[prop] === wanted);
    }
    let index = this.unique.get(prop);
    if (!index) {
      index = new Map();
      for (const c of this.contacts.values()) if (c.properties[prop]) index.set(c.properties[prop], c.id);
      this.unique.set(prop, index);
    }
    const id = index.get(wanted);
    return id === undefined ? undefined : this.contacts.get(id);
  }

  private indexContact(contact: Contact): void {
    for (const [prop, index] of this.unique)
      if (contact.properties[prop]) index.set(contact.properties[prop], contact.id);
  }

  private unindexContact(contact: Contact): void {
    for (const [prop, index] of this.unique) {
      const value = contact.properties[prop];
      if (value && index.get(value) === contact.id) index.delete(value);
    }
  }

  private checkIdProperty(idProperty: string): void {
    const def = this.properties.get(idProperty);
    if (!def) throw new HubspotError(400, "VALIDATION_ERROR", `Property "${idProperty}" does not exist`);
    if (idProperty !== "email" && !def.hasUniqueValue) {
      throw new HubspotError(
        400,
        "VALIDATION_ERROR",
        `Property "${idProperty}" is not a unique identifier property (hasUniqueValue is false)`,
      );
    }
  }

  private checkUnique(props: Record<string, string>, selfId?: string): void {
    for (const [name, value] of Object.entries(props)) {
      if (value === "" || (name !== "email" && !this.properties.get(name)?.hasUniqueValue)) continue;
      const other = this.findBy(name, value);
      if (!other || other.id === selfId) continue;
      const message =
        name === "email"
          ? `Contact already exists. Existing ID: ${other.id}`
          : `A contact with ${name} "${value}" already exists. Existing ID: ${other.id}`;
      throw new HubspotError(409, "CONFLICT", message);
    }
  }

  private recordWrite(contact: Contact): void {
    contact.writes += 1;
    contact.versions.push({ at: Date.now(), properties: { ...contact.properties } });
    if (contact.versions.length > 10) contact.versions.shift();
    const email = contact.properties.email;
    if (email) this.writesByEmail[email] = (this.writesByEmail[email] ?? 0) + 1;
  }
}

function matchFilter(props: Record<string, string>, filter: Record<string, unknown>): boolean {
  const value = (props[String(filter.propertyName)] ?? "").toLowerCase();
  const target = String(filter.value ?? "").toLowerCase();
  const values = Array.isArray(filter.values) ? filter.values.map((v) => String(v).toLowerCase()) : [];
  switch (String(filter.operator ?? "EQ")) {
    case "EQ":
      return value === target;
    case "NEQ":
      return value !== target;
    case "LT":
      return compare(value, target) < 0;
    case "LTE":
      return compare(value, target) <= 0;
    case "GT":
      return compare(value, target) > 0;
    case "GTE":
      return compare(value, target) >= 0;
    case "HAS_PROPERTY":
      return value !== "";
    case "NOT_HAS_PROPERTY":
      return value === "";
    case "IN":
      return values.includes(value);
    case "NOT_IN":
      return !values.includes(value);
    case "CONTAINS_TOKEN":
      return (
        new RegExp(`^${target.split("*").map(escapeRe).join(".*")}$`).test(value) || value.split(/\W+/).includes(target)
      );
    default:
      throw new HubspotError(400, "VALIDATION_ERROR", `Unsupported filter operator ${String(filter.operator)}`);
  }
}

function compare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== "" && b !== "" && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function sortRows(rows: { contact: Contact; properties: Record<string, string> }[], sorts: unknown): void {
  const first = Array.isArray(sorts) ? sorts[0] : undefined;
  let prop = "hs_object_id";
  let dir = 1;
  if (typeof first === "string") {
    prop = first.replace(/^-/, "");
    dir = first.startsWith("-") ? -1 : 1;
  } else if (isRecord(first)) {
    prop = String(first.propertyName ?? prop);
    dir = first.direction === "DESCENDING" ? -1 : 1;
  }
  rows.sort((a, b) => dir * compare(a.properties[prop] ?? "", b.properties[prop] ?? ""));
}
