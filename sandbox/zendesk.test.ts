// The Zendesk look-alike driven by the real node-zendesk client (default import: its named exports fail under Node ESM).
import zendesk from "node-zendesk";
import type { ZendeskClientOptions } from "node-zendesk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as control from "./client";
import type { ZendeskState } from "./client";
import { startSandbox } from "./index";
import type { Sandbox } from "./index";

const CREDS = { email: "agent@sandbox.test", token: "zd-suite-token" };
let sandbox: Sandbox;

type Ticket = {
  id: number;
  external_id: string | null;
  requester_id: number;
  tags: string[];
  subject: string;
  description: string;
};
type ZError = Error & { statusCode?: number; result?: { error: string; description?: string } };
/** node-zendesk types `response` as `object`; at runtime it is its fetch-response adapter. */
type ZResponse = { status: number; headers: { get(name: string): string | null } };
const res = (reply: { response: object }) => reply.response as ZResponse;

/** One client per call: node-zendesk only sends headers given at creation (customHeaders). */
const client = (extra: Partial<ZendeskClientOptions> = {}) =>
  zendesk.createClient({
    username: CREDS.email,
    token: CREDS.token,
    endpointUri: sandbox.zendesk.endpointUri,
    throwOriginalException: true,
    ...extra,
  });

const ticketBody = (ref: string) => ({
  ticket: {
    subject: "App crashes on launch",
    comment: { body: "It crashes when I open the app." },
    requester: { name: "Ada Lovelace", email: "ada@example.com" },
    external_id: ref,
    tags: ["mobile app", "ios"],
    custom_fields: [{ id: 360001, value: "17.4" }],
  },
});

beforeAll(async () => {
  sandbox = await startSandbox({ zendesk: CREDS });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

describe("zendesk sandbox", () => {
  it("checks credentials: users.me works, a wrong token gets 401", async () => {
    const me = await client().users.me();
    expect((me.result as { email: string }).email).toBe(CREDS.email);
    const error = (await client({ token: "wrong" })
      .users.me()
      .catch((e: unknown) => e)) as ZError;
    expect(error.statusCode).toBe(401);
    expect(error.result?.error).toBe("Couldn't authenticate you");
  });

  it("creates a ticket, finding or creating the requester, and lists it by external_id", async () => {
    const reply = await client().tickets.create(ticketBody("SUP-1") as never);
    const ticket = reply.result as unknown as Ticket;
    expect(res(reply).status).toBe(201);
    expect(ticket.id).toBe(1);
    expect(ticket.external_id).toBe("SUP-1");
    expect(ticket.description).toBe("It crashes when I open the app.");
    expect(ticket.tags).toEqual(["mobile_app", "ios"]);

    const users = (await client().users.search({ query: "email:ada@example.com" } as never)) as unknown as {
      id: number;
    }[];
    expect(users.map((u) => u.id)).toEqual([ticket.requester_id]);

    const second = (await client().tickets.create(ticketBody("SUP-2") as never)).result as unknown as Ticket;
    expect(second.requester_id).toBe(ticket.requester_id);

    const listed = (await client().tickets.listWithFilter("external_id", "SUP-1")) as unknown as Ticket[];
    expect(listed.map((t) => t.id)).toEqual([ticket.id]);
    const shown = (await client().tickets.show(ticket.id)).result as unknown as Ticket;
    expect(shown.subject).toBe("App crashes on launch");
  });

  it("replays a ticket create with the same Idempotency-Key and body, without a second ticket", async () => {
    const idem = client({ customHeaders: { "Idempotency-Key": "support-req-42" } });
    const first = await idem.tickets.create(ticketBody("SUP-42") as never);
    const second = await idem.tickets.create(ticketBody("SUP-42") as never);
    expect((second.result as unknown as Ticket).id).toBe((first.result as unknown as Ticket).id);
    expect(res(first).headers.get("x-idempotency-lookup")).toBe("miss");
    expect(res(second).headers.get("x-idempotency-lookup")).toBe("hit");

    const error = (await idem.tickets.create(ticketBody("SUP-43") as never).catch((e: unknown) => e)) as ZError;
    expect(error.statusCode).toBe(400);
    expect(error.result?.error).toBe("IdempotentRequestError");

    const state = await control.state<ZendeskState>(sandbox.zendesk);
    expect(state.tickets).toHaveLength(1);
    expect(state.counters.replayed).toBe(1);
    expect(state.requests.map((r) => r.headers["idempotency-key"])).toEqual([
      "support-req-42",
      "support-req-42",
      "support-req-42",
    ]);
  });

  it("answers 422 RecordInvalid for a blank comment and for a new requester without a name", async () => {
    const blank = (await client()
      .tickets.create({ ticket: { subject: "x" } } as never)
      .catch((e: unknown) => e)) as ZError;
    expect(blank.statusCode).toBe(422);
    expect(blank.result?.error).toBe("RecordInvalid");
    const body = { ticket: { comment: { body: "hi" }, requester: { email: "noname@example.com" } } };
    const noName = (await client()
      .tickets.create(body as never)
      .catch((e: unknown) => e)) as ZError;
    expect(noName.statusCode).toBe(422);
  });

  it("429 with Retry-After: node-zendesk RESOLVES with an Error as result (it does not throw)", async () => {
    await control.fault(sandbox.zendesk, { method: "POST", path: "/api/v2/tickets", status: 429, retryAfter: 7 });
    const reply = await client().tickets.create(ticketBody("SUP-9") as never);
    expect(res(reply).status).toBe(429);
    expect(res(reply).headers.get("retry-after")).toBe("7");
    expect(reply.result).toBeInstanceOf(Error);
    expect((reply.result as unknown as ZError).statusCode).toBe(429);
    expect((await control.state<ZendeskState>(sandbox.zendesk)).tickets).toHaveLength(0);
  });

  it("creates or updates users by external_id/email", async () => {
    const created = await client().users.createOrUpdate({
      user: { email: "grace@example.com", name: "Grace", external_id: "u_7" },
    } as never);
    expect(res(created).status).toBe(201);
    const updated = await client().users.createOrUpdate({
      user: { email: "grace@example.com", name: "Grace Hopper", external_id: "u_7" },
    } as never);
    expect(res(updated).status).toBe(200);
    expect((updated.result as unknown as { id: number }).id).toBe((created.result as unknown as { id: number }).id);
  });

  it("lets a caller time out a hung request with its own transport (node-zendesk has no timeout)", async () => {
    await control.fault(sandbox.zendesk, { kind: "hang", path: "/api/v2/users/me" });
    const timed = client({
      transportConfig: {
        transportFn: (uri: string, options: RequestInit) =>
          fetch(uri, { ...options, signal: AbortSignal.timeout(200) }),
        responseAdapter: (res: Response) => ({
          json: () => res.json(),
          status: res.status,
          headers: { get: (k: string) => res.headers.get(k) },
          statusText: res.statusText,
        }),
      },
    });
    const error = (await timed.users.me().catch((e: unknown) => e)) as Error;
    expect(error.name).toBe("TimeoutError");
    await expect(timed.users.me()).resolves.toMatchObject({ response: { status: 200 } });
  });
});
