CREATE TABLE "provider_budgets" (
	"key" text PRIMARY KEY NOT NULL,
	"stamps" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"granted" integer DEFAULT 0 NOT NULL,
	"at" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
