ALTER TYPE "public"."entitlement_status" ADD VALUE 'incomplete' BEFORE 'trialing';--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "email_verified" boolean;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "email_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "name_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "email_verified_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "provisional" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "pending_claim_app_user_id" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "pending_claim_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "entitlements" ADD COLUMN "stripe_payment_intent_id" text;--> statement-breakpoint
ALTER TABLE "entitlements" ADD COLUMN "disputed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "customers_pending_claim_idx" ON "customers" USING btree ("pending_claim_app_user_id") WHERE "customers"."pending_claim_app_user_id" is not null;--> statement-breakpoint
UPDATE "customers" SET "email_updated_at" = "profile_updated_at", "name_updated_at" = "profile_updated_at" WHERE "profile_updated_at" IS NOT NULL;