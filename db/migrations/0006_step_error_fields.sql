ALTER TABLE "event_steps" ADD COLUMN "error_service" text;--> statement-breakpoint
ALTER TABLE "event_steps" ADD COLUMN "error_code" text;--> statement-breakpoint
ALTER TABLE "event_steps" ADD COLUMN "error_message" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "failed_step" text;