DROP INDEX "events_received_at_idx";--> statement-breakpoint
CREATE INDEX "events_received_at_id_idx" ON "events" USING btree ("received_at","id");