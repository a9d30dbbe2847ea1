CREATE TABLE "drift_findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"system" text NOT NULL,
	"field" text NOT NULL,
	"expected" text,
	"actual" text,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_checked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolution" text
);
--> statement-breakpoint
ALTER TABLE "drift_findings" ADD CONSTRAINT "drift_findings_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "drift_findings_open_idx" ON "drift_findings" USING btree ("customer_id","system","field") WHERE "drift_findings"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "drift_findings_detected_at_idx" ON "drift_findings" USING btree ("detected_at");