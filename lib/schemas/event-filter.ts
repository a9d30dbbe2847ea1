// The events list's filters, defined once: as URL params (the list page, its client table and
// GET /api/admin/events) and as JSON (bulk replay from the console and POST /api/admin/events/replay).
import { z } from "zod";
import { eventArrival, eventSource, eventStatus } from "@/db/schema";
import { filterParam } from "./table-params";

/**
 * One schema per URL param: source, type, status, customer, via, from, to (dates or ISO times), and `q`: one
 * event by its source id (`evt_…`, the app's event id), our id or its correlation id, or a customer's events by
 * email or app user id.
 */
export const eventFilterParams = {
  q: filterParam.text(300),
  source: filterParam.oneOf(eventSource.enumValues),
  type: filterParam.text(200),
  status: filterParam.anyOf(eventStatus.enumValues),
  customer: filterParam.text(200),
  /** How the event reached us: webhook, backfill (a delivery we missed) or import. */
  via: filterParam.oneOf(eventArrival.enumValues),
  from: filterParam.date("start"),
  to: filterParam.date("end"),
};

const isoTime = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

/**
 * The same filters as a JSON body sends them: times as ISO strings with a zone, parsed to Dates. No
 * status: a bulk replay takes failed events only.
 */
export const eventFilterBody = z
  .object({
    q: eventFilterParams.q.optional(),
    source: eventFilterParams.source.optional(),
    type: eventFilterParams.type.optional(),
    customer: eventFilterParams.customer.optional(),
    via: eventFilterParams.via.optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
  })
  .strict();

/** The filters as a client sends them (times as ISO strings). */
export type EventFilterInput = z.input<typeof eventFilterBody>;
