CREATE TYPE "public"."erasure_status" AS ENUM('running', 'completed', 'failed');--> statement-breakpoint
CREATE TABLE "erased_subjects" (
	"hash" text PRIMARY KEY NOT NULL,
	"erasure_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erasures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_hash" text NOT NULL,
	"customer_id" uuid,
	"event_id" uuid,
	"status" "erasure_status" DEFAULT 'running' NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reason" text,
	"stripe_cancel" text DEFAULT 'now' NOT NULL,
	"receipt" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"completed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "erased_by" text;--> statement-breakpoint
ALTER TABLE "erased_subjects" ADD CONSTRAINT "erased_subjects_erasure_id_erasures_id_fk" FOREIGN KEY ("erasure_id") REFERENCES "public"."erasures"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasures" ADD CONSTRAINT "erasures_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasures" ADD CONSTRAINT "erasures_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "erasures_subject_hash_idx" ON "erasures" USING btree ("subject_hash");--> statement-breakpoint
CREATE INDEX "erasures_requested_at_idx" ON "erasures" USING btree ("requested_at");--> statement-breakpoint
CREATE UNIQUE INDEX "erasures_event_id_idx" ON "erasures" USING btree ("event_id");