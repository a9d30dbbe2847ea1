// The sandbox's contact store: unique lookups stay exact as contacts change email, are archived or cleared.
import { describe, expect, it } from "vitest";
import { ContactStore } from "./hubspot-contacts";

describe("ContactStore unique lookups", () => {
  it("follows an email change and an archive; the freed email can be taken again", () => {
    const store = new ContactStore();
    const ada = store.create({ email: "ada@example.com", firstname: "Ada" });
    expect(store.find("ADA@example.com", "email")?.id).toBe(ada.id);
    store.update(ada, { email: "ada@lovelace.dev" });
    expect(store.find("ada@example.com", "email")).toBeUndefined();
    expect(store.find("ada@lovelace.dev", "email")?.id).toBe(ada.id);
    const other = store.create({ email: "ada@example.com" });
    expect(() => store.create({ email: "ada@lovelace.dev" })).toThrow(/already exists. Existing ID: /);
    store.archive(ada);
    expect(store.find("ada@lovelace.dev", "email")).toBeUndefined();
    expect(store.find("ada@example.com", "email")?.id).toBe(other.id);
    expect(store.create({ email: "ada@lovelace.dev" }).id).not.toBe(ada.id);
    store.clear();
    expect(store.find("ada@example.com", "email")).toBeUndefined();
  });

  it("an upsert by email of 2,000 contacts, then again: no duplicate, every one found", () => {
    const store = new ContactStore();
    const inputs = Array.from({ length: 2000 }, (_, i) => ({
      id: `u${i}@example.com`,
      idProperty: "email",
      properties: { firstname: `U${i}` },
    }));
    for (let i = 0; i < inputs.length; i += 100) store.upsert(inputs.slice(i, i + 100));
    const again = store.upsert(inputs.slice(0, 100).map((x) => ({ ...x, properties: { firstname: "Again" } })));
    expect(again.every((r) => !r.isNew)).toBe(true);
    expect(store.contacts.size).toBe(2000);
    expect(store.find("u1999@example.com", "email")?.properties.firstname).toBe("U1999");
    expect(store.find("u5@example.com", "email")?.properties.firstname).toBe("Again");
  });
});
