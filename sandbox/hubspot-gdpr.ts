// HubSpot's GDPR delete (POST /crm/v3/objects/contacts/gdpr-delete { objectId, idProperty? }): the contact is
// purged, not archived, so no read, search or batch read finds it again and its email and app user id are free:
// only a new write (a new signup) makes a contact with them, with a new id and none of the old properties.
// What was purged is kept as { id, at } (no personal data), for tests and the state view.
import type { ContactStore } from "./hubspot-contacts";
import { HubspotError } from "./hubspot-properties";
import type { SandboxRequest, SandboxResponse } from "./http";
import { isRecord } from "./util";

export type PurgedContact = { id: string; at: string };

export function gdprDeleteRoute(store: ContactStore) {
  return {
    method: "POST",
    pattern: /^\/crm\/v3\/objects\/contacts\/gdpr-delete$/,
    run: (_match: string[], req: SandboxRequest): SandboxResponse => {
      const body = isRecord(req.body) ? req.body : {};
      if (typeof body.objectId !== "string" || body.objectId === "")
        throw new HubspotError(400, "VALIDATION_ERROR", "Invalid input JSON: objectId is required");
      const idProperty = typeof body.idProperty === "string" && body.idProperty ? body.idProperty : undefined;
      const contact = store.find(body.objectId, idProperty);
      if (!contact) throw new HubspotError(404, "OBJECT_NOT_FOUND", "resource not found");
      store.archive(contact);
      store.purged.push({ id: contact.id, at: new Date().toISOString() });
      return { status: 204 };
    },
  };
}
