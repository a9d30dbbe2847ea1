ALTER TABLE "alerts" ADD COLUMN "rule" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "notify_claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "notify_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_rule_idx" ON "alerts" USING btree ("rule") WHERE "alerts"."status" <> 'resolved';