-- Trigram indexes for the console's substring search (customers by email, name, app user id, external id).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "customers_email_trgm_idx" ON "customers" USING gin ("email" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "customers_name_trgm_idx" ON "customers" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "customers_app_user_id_trgm_idx" ON "customers" USING gin ("app_user_id" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "identities_external_id_trgm_idx" ON "identities" USING gin ("external_id" gin_trgm_ops);
