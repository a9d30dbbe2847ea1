CREATE TYPE "public"."recovery_kind" AS ENUM('card_update_link', 'retry_payment', 'resend_receipt');--> statement-breakpoint
CREATE TYPE "public"."support_provider" AS ENUM('zendesk', 'intercom');--> statement-breakpoint
CREATE TYPE "public"."ticket_status" AS ENUM('received', 'open', 'pending', 'on_hold', 'solved', 'closed');--> statement-breakpoint
ALTER TYPE "public"."identity_system" ADD VALUE 'intercom';--> statement-breakpoint
ALTER TYPE "public"."event_source" ADD VALUE 'zendesk';--> statement-breakpoint
ALTER TYPE "public"."event_source" ADD VALUE 'intercom';--> statement-breakpoint
CREATE TABLE "recovery_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" "recovery_kind" NOT NULL,
	"idempotency_key" text NOT NULL,
	"stripe_object_id" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"external_ref" text,
	"sent" boolean DEFAULT false NOT NULL,
	"result" jsonb,
	"error" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "support_tickets" ADD COLUMN "provider" "support_provider" DEFAULT 'zendesk' NOT NULL;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD COLUMN "intercom_conversation_id" text;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD COLUMN "status" "ticket_status" DEFAULT 'received' NOT NULL;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD COLUMN "status_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "recovery_actions" ADD CONSTRAINT "recovery_actions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "recovery_actions_idempotency_key_idx" ON "recovery_actions" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "recovery_actions_customer_id_idx" ON "recovery_actions" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "support_tickets_zendesk_ticket_id_idx" ON "support_tickets" USING btree ("zendesk_ticket_id");--> statement-breakpoint
CREATE UNIQUE INDEX "support_tickets_intercom_conversation_id_idx" ON "support_tickets" USING btree ("intercom_conversation_id");--> statement-breakpoint
UPDATE "support_tickets" SET "status" = 'open' WHERE "zendesk_ticket_id" IS NOT NULL;
