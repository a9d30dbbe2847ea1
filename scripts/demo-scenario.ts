// The demo's story, played through the real webhooks so the console opens on real data: signups,
// checkouts, web payers the app had not announced (one claimed at signup, one claim to confirm), a renewal
// that fails twice (one alert), a first payment that fails (incomplete), support requests (one retried offline), a refund, an email-only Stripe match to confirm, and one
// injected HubSpot failure left for the founder to replay.
import Stripe from "stripe";
import { signAppPayload } from "../lib/app-events/signature";
import { DEMO_DEFAULTS } from "../lib/env";
import * as control from "../sandbox/client";
import type { Sandbox } from "../sandbox";

type Ctx = { baseUrl: string; sandbox: Sandbox };

const PEOPLE = [
  { id: "usr_ada", name: "Ada Lovelace", plan: "pro" },
  { id: "usr_grace", name: "Grace Hopper", plan: "team" },
  { id: "usr_alan", name: "Alan Turing", plan: "pro" },
  { id: "usr_katherine", name: "Katherine Johnson", plan: "pro" },
  { id: "usr_linus", name: "Linus Torvalds", plan: null },
  { id: "usr_margaret", name: "Margaret Hamilton", plan: null },
];
const email = (id: string) => `${id.slice(4)}@example.com`;
const minutesAgo = (m: number) => Math.floor(Date.now() / 1000) - m * 60;

async function post(ctx: Ctx, path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${ctx.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json as { id: string; duplicate?: boolean; reference?: string };
}

const app = (ctx: Ctx, id: string, type: string, data: Record<string, unknown>) => {
  const body = JSON.stringify({ id, type, created: new Date().toISOString(), data });
  return post(ctx, "/api/webhooks/app", body, {
    "app-signature": signAppPayload(body, process.env.APP_WEBHOOK_SECRET ?? DEMO_DEFAULTS.APP_WEBHOOK_SECRET),
  });
};

const stripe = (ctx: Ctx, id: string, type: string, object: Record<string, unknown>, created = minutesAgo(0)) => {
  const body = JSON.stringify({
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    created,
    type,
    livemode: false,
    data: { object },
  });
  const header = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: process.env.STRIPE_WEBHOOK_SECRET ?? DEMO_DEFAULTS.STRIPE_WEBHOOK_SECRET,
  });
  return post(ctx, "/api/webhooks/stripe", body, { "stripe-signature": header });
};

/** Waits until the event has been processed (the webhook answers before processing). */
async function settled(ctx: Ctx, eventId: string) {
  const token = process.env.ADMIN_API_TOKEN ?? DEMO_DEFAULTS.ADMIN_API_TOKEN;
  for (let i = 0; i < 120; i++) {
    const res = await fetch(`${ctx.baseUrl}/api/admin/events/${eventId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { event } = (await res.json()) as { event?: { status: string } };
    if (event && event.status !== "received" && event.status !== "processing") return event.status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`event ${eventId} did not finish`);
}

export async function playScenario(ctx: Ctx): Promise<"played" | "already-played"> {
  const first = await app(ctx, "demo_signup_usr_ada", "user.signed_up", {
    userId: "usr_ada",
    email: email("usr_ada"),
    name: "Ada Lovelace",
  });
  if (first.duplicate) return "already-played";
  await settled(ctx, first.id);
  for (const p of PEOPLE.slice(1))
    await settled(
      ctx,
      (await app(ctx, `demo_signup_${p.id}`, "user.signed_up", { userId: p.id, email: email(p.id), name: p.name })).id,
    );

  // Stripe knows the paying customers (our app user id in metadata, as the checkout code sets it).
  const payers = PEOPLE.filter((p) => p.plan);
  await control.seed(ctx.sandbox.stripe, [
    ...payers.map((p) => ({
      object: "customer",
      id: `cus_${p.id.slice(4)}`,
      email: email(p.id),
      name: p.name,
      metadata: { app_user_id: p.id },
    })),
    ...payers.map((p) => ({
      object: "subscription",
      id: `sub_${p.id.slice(4)}`,
      customer: `cus_${p.id.slice(4)}`,
      status: "active",
      price: { id: `price_${p.plan}`, lookup_key: p.plan },
      current_period_end: minutesAgo(-30 * 24 * 60),
    })),
    { object: "customer", id: "cus_linus_personal", email: email("usr_linus"), name: "Linus T." },
    // Stripe holds the subscriptions the events below describe (the drift check compares with them).
    {
      object: "subscription",
      id: "sub_linus_personal",
      customer: "cus_linus_personal",
      status: "trialing",
      price: { id: "price_pro", lookup_key: "pro" },
      current_period_end: minutesAgo(-14 * 24 * 60),
    },
  ]);
  for (const [i, p] of payers.entries()) {
    const cus = `cus_${p.id.slice(4)}`;
    const session = {
      id: `cs_demo_${p.id}`,
      object: "checkout.session",
      mode: "subscription",
      payment_status: "paid",
      customer: cus,
      subscription: `sub_${p.id.slice(4)}`,
      client_reference_id: p.id,
      customer_details: { email: email(p.id) },
    };
    await settled(
      ctx,
      (await stripe(ctx, `evt_demo_checkout_${p.id}`, "checkout.session.completed", session, minutesAgo(50 - i))).id,
    );
  }
  // A Stripe customer made outside the app: linked by email only, waiting for the founder to confirm.
  const linus = {
    id: "sub_linus_personal",
    object: "subscription",
    customer: "cus_linus_personal",
    status: "trialing",
    items: { data: [{ price: { id: "price_pro", lookup_key: "pro" }, current_period_end: minutesAgo(-14 * 24 * 60) }] },
  };
  await settled(
    ctx,
    (await stripe(ctx, "evt_demo_trial_linus", "customer.subscription.created", linus, minutesAgo(40))).id,
  );

  // Web checkouts by people the app has not announced yet (a payment link, only an email): Hedy stays a payer
  // waiting to sign up; Dorothy signs up afterwards and claims her payment at once; Mary signs up with an email
  // the app has not verified, so her claim waits for the founder to confirm.
  const webPayers = [
    { id: "hedy", name: "Hedy Lamarr", signup: null },
    { id: "dorothy", name: "Dorothy Vaughan", signup: { emailVerified: true } },
    { id: "mary", name: "Mary Jackson", signup: { emailVerified: false } },
  ];
  await control.seed(ctx.sandbox.stripe, [
    ...webPayers.map((p) => ({
      object: "customer",
      id: `cus_web_${p.id}`,
      email: `${p.id}@example.com`,
      name: p.name,
    })),
    ...webPayers.map((p) => ({
      object: "subscription",
      id: `sub_web_${p.id}`,
      customer: `cus_web_${p.id}`,
      status: "active",
      price: { id: "price_pro", lookup_key: "pro" },
      current_period_end: minutesAgo(-30 * 24 * 60),
    })),
  ]);
  for (const [i, p] of webPayers.entries()) {
    const session = {
      id: `cs_demo_web_${p.id}`,
      object: "checkout.session",
      mode: "subscription",
      payment_status: "paid",
      customer: `cus_web_${p.id}`,
      subscription: `sub_web_${p.id}`,
      customer_details: { email: `${p.id}@example.com` },
    };
    await settled(
      ctx,
      (await stripe(ctx, `evt_demo_web_checkout_${p.id}`, "checkout.session.completed", session, minutesAgo(38 - i)))
        .id,
    );
    if (!p.signup) continue;
    const signup = { userId: `usr_${p.id}`, email: `${p.id}@example.com`, name: p.name, ...p.signup };
    await settled(ctx, (await app(ctx, `demo_signup_usr_${p.id}`, "user.signed_up", signup)).id);
  }

  // Katherine's renewal fails twice (Stripe retries it): past_due and one billing alert, updated by the retry.
  const invoice = {
    id: "in_demo_katherine",
    object: "invoice",
    number: "DEMO-0042",
    customer: "cus_katherine",
    hosted_invoice_url: "https://invoice.stripe.com/i/sandbox/in_demo_katherine",
    amount_due: 1900,
    currency: "usd",
    billing_reason: "subscription_cycle",
    attempt_count: 1,
    next_payment_attempt: minutesAgo(-3 * 24 * 60),
    parent: { type: "subscription_details", subscription_details: { subscription: "sub_katherine" } },
  };
  // The open invoice exists in the Stripe sandbox too, so "Retry payment now" on her page has something to pay.
  await control.seed(ctx.sandbox.stripe, [{ ...invoice, status: "open", attempt_count: 2 }]);
  await settled(
    ctx,
    (await stripe(ctx, "evt_demo_payment_failed_katherine", "invoice.payment_failed", invoice, minutesAgo(30))).id,
  );
  const retried = { ...invoice, attempt_count: 2, next_payment_attempt: minutesAgo(-5 * 24 * 60) };
  await settled(
    ctx,
    (await stripe(ctx, "evt_demo_payment_retry_katherine", "invoice.payment_failed", retried, minutesAgo(20))).id,
  );

  // Barbara signs up and subscribes, but her first payment fails: incomplete, no access, still a lead.
  await settled(
    ctx,
    (
      await app(ctx, "demo_signup_usr_barbara", "user.signed_up", {
        userId: "usr_barbara",
        email: email("usr_barbara"),
        name: "Barbara Liskov",
        emailVerified: true,
      })
    ).id,
  );
  await control.seed(ctx.sandbox.stripe, [
    {
      object: "customer",
      id: "cus_barbara",
      email: email("usr_barbara"),
      name: "Barbara Liskov",
      metadata: { app_user_id: "usr_barbara" },
    },
  ]);
  await control.seed(ctx.sandbox.stripe, [
    {
      object: "subscription",
      id: "sub_barbara",
      customer: "cus_barbara",
      status: "incomplete",
      price: { id: "price_pro", lookup_key: "pro" },
      current_period_end: minutesAgo(-30 * 24 * 60),
    },
  ]);
  const firstInvoice = {
    id: "in_demo_barbara",
    object: "invoice",
    number: "DEMO-0043",
    customer: "cus_barbara",
    amount_due: 1900,
    currency: "usd",
    billing_reason: "subscription_create",
    attempt_count: 1,
    parent: { type: "subscription_details", subscription_details: { subscription: "sub_barbara" } },
  };
  await settled(
    ctx,
    (await stripe(ctx, "evt_demo_first_payment_barbara", "invoice.payment_failed", firstInvoice, minutesAgo(15))).id,
  );

  // Support: Ada's phone was offline and sent the same request twice (new event ids, same request id).
  const ticket = {
    requestId: "req_demo_ada_restore",
    userId: "usr_ada",
    email: email("usr_ada"),
    subject: "Restore purchases does nothing",
    message: "I reinstalled the app and my Pro plan is gone. Tapping Restore does nothing.",
    context: {
      platform: "ios",
      osVersion: "18.2",
      appVersion: "2.4.1",
      device: "iPhone 15",
      screen: "Paywall",
      locale: "en-GB",
    },
  };
  await settled(ctx, (await app(ctx, "demo_support_ada_1", "support.requested", ticket)).id);
  await settled(ctx, (await app(ctx, "demo_support_ada_2", "support.requested", ticket)).id);
  await settled(
    ctx,
    (
      await app(ctx, "demo_support_grace", "support.requested", {
        requestId: "req_demo_grace_invoice",
        userId: "usr_grace",
        email: email("usr_grace"),
        subject: "Invoice needs our VAT number",
        message: "Can you add our VAT number to last month's invoice?",
        context: {
          platform: "android",
          osVersion: "15",
          appVersion: "2.4.0",
          device: "Pixel 8",
          screen: "Settings › Billing",
          locale: "de-DE",
        },
      })
    ).id,
  );

  // Alan is refunded.
  const charge = {
    id: "ch_demo_alan",
    object: "charge",
    customer: "cus_alan",
    amount: 1900,
    amount_refunded: 1900,
    currency: "usd",
    refunded: true,
  };
  await settled(ctx, (await stripe(ctx, "evt_demo_refund_alan", "charge.refunded", charge, minutesAgo(10))).id);

  // One HubSpot failure (a rejected write), left failed for the founder to replay from the console.
  await control.fault(ctx.sandbox.hubspot, {
    path: "/crm/v3/objects/contacts/batch/upsert",
    status: 400,
    times: 1,
    body: {
      status: "error",
      category: "VALIDATION_ERROR",
      message:
        'Property values were not valid: [{"isValid":false,"message":"Email address margaret@example is invalid","error":"INVALID_EMAIL","name":"email"}]',
    },
  });
  await settled(
    ctx,
    (await app(ctx, "demo_update_margaret", "user.updated", { userId: "usr_margaret", name: "Margaret H. Hamilton" }))
      .id,
  );
  await control.clearFaults(ctx.sandbox.hubspot);
  return "played";
}
