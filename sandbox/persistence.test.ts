// stateFile: the sandboxes' objects and id counters survive a restart (through the real SDKs), a bad file is
// ignored with one warning, and a kill -9 during a save leaves a readable file.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@hubspot/api-client";
import zendesk from "node-zendesk";
import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as control from "./client";
import type { HubspotState, ZendeskState } from "./client";
import { DEMO_CREDENTIALS, startSandbox } from "./index";
import type { Sandbox } from "./index";
import { STATE_FILE_VERSION, readStateFile } from "./persistence";

let dir: string;
let file: string;
let warnings: string[];
const open: Sandbox[] = [];

const start = async () => {
  const sandbox = await startSandbox({ stateFile: file, warn: (line) => warnings.push(line) });
  open.push(sandbox);
  return sandbox;
};
const stop = async (sandbox: Sandbox) => {
  open.splice(open.indexOf(sandbox), 1);
  await sandbox.close();
};

const stripeOf = (s: Sandbox) =>
  new Stripe(DEMO_CREDENTIALS.stripeKey, { host: "127.0.0.1", port: s.stripe.port, protocol: "http" });
const hubspotOf = (s: Sandbox) => new Client({ accessToken: DEMO_CREDENTIALS.hubspotToken, basePath: s.hubspot.url });
const zendeskOf = (s: Sandbox, customHeaders?: Record<string, string>) =>
  zendesk.createClient({
    username: DEMO_CREDENTIALS.zendesk.email,
    token: DEMO_CREDENTIALS.zendesk.token,
    endpointUri: s.zendesk.endpointUri,
    throwOriginalException: true,
    customHeaders,
  });

type Ticket = { id: number; requester_id: number; subject: string };
const ticketBody = (subject: string, requesterId: number) => ({
  ticket: { subject, comment: { body: "Restore purchases does nothing." }, requester_id: requesterId },
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-state-"));
  file = path.join(dir, "sandbox-state.json");
  warnings = [];
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("sandbox stateFile", () => {
  it("restores objects and continues id counters after a restart", async () => {
    const first = await start();
    const stripe = stripeOf(first);
    await control.seed(first.stripe, { object: "customer", id: "cus_ada", email: "ada@example.com" });
    const made = await stripe.customers.create({ email: "grace@example.com", metadata: { app_user_id: "usr_grace" } });

    const hubspot = hubspotOf(first);
    const ada = await hubspot.crm.contacts.basicApi.create({
      properties: { email: "ada@example.com" },
      associations: [],
    });
    const gone = await hubspot.crm.contacts.basicApi.create({
      properties: { email: "old@example.com" },
      associations: [],
    });
    await hubspot.crm.contacts.basicApi.archive(gone.id);

    const user = (await zendeskOf(first).users.create({ user: { name: "Ada", email: "ada@example.com" } })).result as {
      id: number;
    };
    const idem = zendeskOf(first, { "Idempotency-Key": "support-req-ada" });
    const ticket = (await idem.tickets.create(ticketBody("Restore", user.id) as never)).result as unknown as Ticket;
    await stop(first);

    const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { version: number };
    expect(saved.version).toBe(STATE_FILE_VERSION);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");

    const second = await start();
    expect(warnings).toEqual([]);
    expect((await stripeOf(second).customers.retrieve("cus_ada")).id).toBe("cus_ada");
    const grace = (await stripeOf(second).customers.retrieve(made.id)) as Stripe.Customer;
    expect(grace.metadata).toEqual({ app_user_id: "usr_grace" });

    const hubspot2 = hubspotOf(second);
    const back = await hubspot2.crm.contacts.basicApi.getById(ada.id);
    expect(back.properties.email).toBe("ada@example.com");
    // The root cause of the dropped link: a fresh sandbox handed out a used id again (even an archived one's).
    const next = await hubspot2.crm.contacts.basicApi.create({
      properties: { email: "new@example.com" },
      associations: [],
    });
    expect([ada.id, gone.id]).not.toContain(next.id);
    expect(Number(next.id)).toBeGreaterThan(Number(gone.id));
    // Email stays unique across the restart, and search still finds the old contact.
    await expect(
      hubspot2.crm.contacts.basicApi.create({ properties: { email: "ada@example.com" }, associations: [] }),
    ).rejects.toMatchObject({ code: 409 });
    const found = await hubspot2.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: "email", operator: "EQ" as never, value: "ada@example.com" }] }],
    } as never);
    expect(found.results.map((c) => c.id)).toEqual([ada.id]);

    const shown = (await zendeskOf(second).tickets.show(ticket.id)).result as unknown as Ticket;
    expect(shown).toMatchObject({ subject: "Restore", requester_id: user.id });
    // A retry of the create with the same Idempotency-Key replays the ticket instead of making a second one.
    const again = zendeskOf(second, { "Idempotency-Key": "support-req-ada" });
    const replayed = (await again.tickets.create(ticketBody("Restore", user.id) as never)).result as unknown as Ticket;
    expect(replayed.id).toBe(ticket.id);
    const other = (await zendeskOf(second).tickets.create(ticketBody("Other", user.id) as never))
      .result as unknown as Ticket;
    expect(other.id).toBeGreaterThan(ticket.id);
    const newUser = (await zendeskOf(second).users.create({ user: { name: "Bob", email: "bob@example.com" } }))
      .result as { id: number };
    expect(newUser.id).toBeGreaterThan(user.id);
    const zstate = await control.state<ZendeskState>(second.zendesk);
    expect(zstate.tickets.map((t) => t.id)).toEqual([ticket.id, other.id]);
  });

  it("saves shortly after a change, without waiting for close", async () => {
    const sandbox = await start();
    await control.seed(sandbox.hubspot, { object: "contact", properties: { email: "ada@example.com" } });
    await new Promise((r) => setTimeout(r, 600));
    const saved = readStateFile(file) as { hubspot: { contacts: { properties: { email: string } }[] } };
    expect(saved.hubspot.contacts.map((c) => c.properties.email)).toEqual(["ada@example.com"]);
    // A reset empties the file too, so the sandboxes and a wiped database start over together.
    sandbox.reset();
    await stop(sandbox);
    expect((readStateFile(file) as { hubspot: { contacts: unknown[] } }).hubspot.contacts).toEqual([]);
  });

  it.each([
    ["corrupt JSON", '{"version": 1, "stripe": {"obj'],
    ["another format version", JSON.stringify({ version: 999, stripe: {}, hubspot: {}, zendesk: {} })],
    ["a malformed service state", JSON.stringify({ version: STATE_FILE_VERSION, stripe: { objects: 3 } })],
  ])("starts empty with one warning on %s", async (_what, text) => {
    fs.writeFileSync(file, text);
    const sandbox = await start();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toMatch(/starting empty/);
    const state = await control.state<HubspotState>(sandbox.hubspot);
    expect(state.contacts).toEqual([]);
    await control.seed(sandbox.hubspot, { object: "contact", properties: { email: "ada@example.com" } });
    await stop(sandbox);
    expect(readStateFile(file)).toBeDefined(); // replaced by a good one
  });

  it("ignores and removes a temp file a killed save left behind", async () => {
    const first = await start();
    await control.seed(first.hubspot, { object: "contact", properties: { email: "ada@example.com" } });
    await stop(first);
    const stale = `${file}.99999.tmp`;
    fs.writeFileSync(stale, '{"version": 1, "hub'); // a write cut short
    const second = await start();
    expect(warnings).toEqual([]);
    expect(fs.existsSync(stale)).toBe(false);
    expect((await control.state<HubspotState>(second.hubspot)).contacts).toHaveLength(1);
  });

  it("leaves the previous complete file when the process is killed (SIGKILL) in the middle of a save", async () => {
    // A child keeps adding contacts to a ~3 MB state, so it saves every 250 ms; we kill -9 it the moment a
    // temp file shows up, i.e. during a write, and the state file must still be a whole earlier save.
    const child = path.join(dir, "writer.mts"); // .mts: top-level await outside the project
    fs.writeFileSync(
      child,
      `import { startSandbox } from ${JSON.stringify(path.resolve("sandbox/index.ts"))};
const s = await startSandbox({ stateFile: process.argv[2] });
let n = 0;
const seed = (count: number) => fetch(s.hubspot.url + "/__sandbox/objects", { method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(Array.from({ length: count }, () => ({ object: "contact",
    properties: { email: "c" + process.pid + "-" + n++ + "@example.com", firstname: "x".repeat(300) } }))) });
for (let i = 0; i < 6; i++) await seed(500);
console.log("ready");
setInterval(() => void seed(20), 10);
`,
    );
    const tempFiles = () => fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"));
    let cutMidWrite = 0;
    let contacts = 0;
    for (let round = 0; round < 4; round++) {
      const proc = spawn(process.execPath, ["--import", "tsx", child, file], { stdio: ["ignore", "pipe", "inherit"] });
      const exited = new Promise((r) => proc.once("exit", r));
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
        proc.once("exit", (code) => reject(new Error(`writer exited early (${code})`)));
      });
      // A whole save first (round 0), then kill as soon as the next write has begun.
      while (!fs.existsSync(file)) await new Promise((r) => setTimeout(r, 5));
      while (tempFiles().length > 0) await new Promise((r) => setImmediate(r));
      const deadline = Date.now() + 5000;
      while (tempFiles().length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      proc.kill("SIGKILL");
      await exited;
      if (tempFiles().length > 0) cutMidWrite += 1;
      const saved = readStateFile(file) as { hubspot: { contacts: unknown[] } };
      expect(saved.hubspot.contacts.length).toBeGreaterThanOrEqual(Math.max(contacts, 1));
      contacts = saved.hubspot.contacts.length;
    }
    expect(cutMidWrite).toBeGreaterThan(0); // the kills did land during writes
    const sandbox = await start();
    expect(warnings).toEqual([]);
    expect((await control.state<HubspotState>(sandbox.hubspot)).contacts).toHaveLength(contacts);
    expect(tempFiles()).toEqual([]);
  });
});
