// The Inngest client. It reads INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY / INNGEST_DEV itself;
// lib/env.ts validates the same variables and picks the jobs driver.
import { Inngest } from "inngest";

export const inngest = new Inngest({ id: "founder-ops-console" });
