CREATE TYPE "public"."event_arrival" AS ENUM('webhook', 'backfill', 'import');--> statement-breakpoint
CREATE TABLE "rejected_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"route" text NOT NULL,
	"reason" text NOT NULL,
	"status" integer NOT NULL,
	"client_address" text,
	"size_bytes" integer,
	"body_sha256" text,
	"source_event_id" text,
	"count" integer DEFAULT 1 NOT NULL,
	"aggregate_key" text,
	"first_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"cursor" jsonb,
	"running_since" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"last_result" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "arrived_via" "event_arrival" DEFAULT 'webhook' NOT NULL;--> statement-breakpoint
CREATE INDEX "rejected_deliveries_last_at_idx" ON "rejected_deliveries" USING btree ("last_at");--> statement-breakpoint
CREATE INDEX "rejected_deliveries_route_reason_last_at_idx" ON "rejected_deliveries" USING btree ("route","reason","last_at");--> statement-breakpoint
CREATE UNIQUE INDEX "rejected_deliveries_aggregate_key_idx" ON "rejected_deliveries" USING btree ("aggregate_key") WHERE "rejected_deliveries"."aggregate_key" is not null;--> statement-breakpoint
CREATE INDEX "events_arrived_via_received_at_idx" ON "events" USING btree ("arrived_via","received_at") WHERE "events"."arrived_via" <> 'webhook';