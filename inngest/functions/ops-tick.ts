// Every minute: alert rules, daily digest, notifications and payload retention (lib/monitoring/tick.ts).
import { cron } from "inngest";
import { getDb } from "@/db";
import { runOpsTick } from "@/lib/monitoring/tick";
import { inngest } from "../client";

export const opsTickFunction = inngest.createFunction(
  { id: "ops-tick", triggers: [cron("* * * * *")], retries: 1, concurrency: [{ limit: 1 }] },
  async ({ step }) => step.run("tick", async () => runOpsTick(await getDb())),
);
