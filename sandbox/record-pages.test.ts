// The read-only record pages the console's demo links open (sandbox/record-pages.ts): records made through
// the real SDKs and the sandbox's seed route, as the other sandbox tests make them; every value escaped;
// only a browser's GET without a token gets a page, so the API's data stays behind the token.
import Stripe from "stripe";
import zendesk from "node-zendesk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as control from "./client";
import { startSandbox } from "./index";
import type { Sandbox } from "./index";
import { recordPage } from "./record-pages";

const KEY = "sk_test_record_pages_1234";
const ZD = { email: "agent@sandbox.test", token: "zd-record-pages" };
const BROWSER = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };
const EVIL = `<script>alert("x")</script> & 'Co'`;
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ stripeKey: KEY, zendesk: ZD });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const stripePage = (path: string, headers: Record<string, string> = BROWSER) =>
  recordPage("GET", path, headers, "stripe", () => sandbox.stripe.service.dump());

describe("record pages", () => {
  it("shows a Stripe customer with its subscription, every value escaped", async () => {
    const stripe = new Stripe(KEY, { host: "127.0.0.1", port: sandbox.stripe.port, protocol: "http" });
    const customer = await stripe.customers.create({
      email: "ada@example.com",
      name: EVIL,
      metadata: { app_user_id: "usr_ada" },
    });
    await control.seed(sandbox.stripe, {
      object: "subscription",
      id: "sub_ada",
      customer: customer.id,
      status: "active",
    });

    const page = stripePage(`/v1/customers/${customer.id}`);
    expect(page?.status).toBe(200);
    expect(page?.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page?.headers["content-security-policy"]).toContain("default-src 'none'");
    const html = page?.body ?? "";
    expect(html).toContain("Stripe sandbox: the demo's local look-alike");
    expect(html).toContain("ada@example.com");
    expect(html).toContain("usr_ada");
    expect(html).toContain("sub_ada · active");
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;");

    // Another kind at its own path; a customer id at a subscription's path is not that subscription.
    expect(stripePage("/v1/subscriptions/sub_ada")?.body).toContain("Subscription sub_ada");
    expect(stripePage(`/v1/subscriptions/${customer.id}`)?.status).toBe(404);
  });

  it("answers an unknown record with a 404 page that escapes the path", () => {
    const page = stripePage("/v1/customers/cus_%3Cb%3Enope");
    expect(page?.status).toBe(404);
    expect(page?.body).toContain("No such record");
    expect(page?.body).not.toContain("<b>nope");
  });

  it("leaves the API alone: a token, a JSON client, a write or another path gets no page", async () => {
    await control.seed(sandbox.stripe, { object: "customer", id: "cus_plain", email: "p@example.com" });
    expect(stripePage("/v1/customers/cus_plain", { ...BROWSER, authorization: `Bearer ${KEY}` })).toBeUndefined();
    expect(stripePage("/v1/customers/cus_plain", { accept: "application/json" })).toBeUndefined();
    expect(stripePage("/v1/customers/cus_plain", {})).toBeUndefined();
    expect(stripePage("/v1/customers")).toBeUndefined();
    expect(stripePage("/v1/balance")).toBeUndefined();
    expect(
      recordPage("POST", "/v1/customers/cus_plain", BROWSER, "stripe", () => sandbox.stripe.service.dump()),
    ).toBeUndefined();
    // A record path of another service is not this one's page.
    expect(recordPage("GET", "/v1/customers/cus_plain", BROWSER, "hubspot", () => ({}))).toBeUndefined();
    // Without a page, the sandbox's data still needs the token.
    const res = await fetch(`${sandbox.stripe.url}/v1/customers/cus_plain`, {
      headers: { accept: "application/json" },
    });
    expect(res.status).toBe(401);
  });

  it("shows a HubSpot contact's properties", async () => {
    const [contact] = await control.seed<{ id: string }>(sandbox.hubspot, {
      object: "contact",
      properties: { email: "grace@example.com", firstname: "Grace", lastname: "<Hopper>", lifecyclestage: "customer" },
    });
    const page = recordPage("GET", `/crm/v3/objects/contacts/${contact.id}?archived=false`, BROWSER, "hubspot", () =>
      sandbox.hubspot.service.dump(),
    );
    expect(page?.status).toBe(200);
    expect(page?.body).toContain("Contact Grace &lt;Hopper&gt;");
    expect(page?.body).toContain(`Record ID ${contact.id}`);
    expect(page?.body).toContain("lifecyclestage");
    expect(page?.body).toContain("grace@example.com");
    const missing = recordPage("GET", "/crm/v3/objects/contacts/999999", BROWSER, "hubspot", () =>
      sandbox.hubspot.service.dump(),
    );
    expect(missing?.status).toBe(404);
  });

  it("shows a Zendesk ticket with its requester and conversation, and the requester's page", async () => {
    const client = zendesk.createClient({
      username: ZD.email,
      token: ZD.token,
      endpointUri: sandbox.zendesk.endpointUri,
      throwOriginalException: true,
    });
    const { result } = await client.tickets.create({
      ticket: {
        subject: "App crashes <on launch>",
        comment: { body: `It crashes & burns: ${EVIL}` },
        requester: { name: "Ada Lovelace", email: "ada@example.com" },
        external_id: "SUP-7KQ2M9XD",
        tags: ["ios"],
      },
    } as never);
    const ticket = result as { id: number; requester_id: number };
    const dump = () => sandbox.zendesk.service.dump();

    const page = recordPage("GET", `/api/v2/tickets/${ticket.id}.json`, BROWSER, "zendesk", dump);
    expect(page?.status).toBe(200);
    const html = page?.body ?? "";
    expect(html).toContain(`Ticket #${ticket.id} App crashes &lt;on launch&gt;`);
    expect(html).toContain("Reference SUP-7KQ2M9XD");
    expect(html).toContain("Ada Lovelace &lt;ada@example.com&gt;");
    expect(html).toContain("It crashes &amp; burns");
    expect(html).not.toContain("<script>");

    const user = recordPage("GET", `/api/v2/users/${ticket.requester_id}.json`, BROWSER, "zendesk", dump);
    expect(user?.body).toContain("User Ada Lovelace");
    expect(user?.body).toContain(`#${ticket.id} · new · App crashes &lt;on launch&gt;`);
    expect(recordPage("GET", "/api/v2/tickets/424242.json", BROWSER, "zendesk", dump)?.status).toBe(404);
    expect(recordPage("GET", "/api/v2/tickets.json", BROWSER, "zendesk", dump)).toBeUndefined();
  });
});
