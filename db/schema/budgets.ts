import { sql } from "drizzle-orm";
import { bigint, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Provider rate budgets shared by every process on this database (lib/integrations/budget): one row per
 * provider account (`hubspot:<token hash>`), holding the times (database clock, epoch ms) of the calls granted
 * in the current rolling window, at most the limit of them. Spent with one atomic statement.
 */
export const providerBudgets = pgTable("provider_budgets", {
  key: text("key").primaryKey(),
  /** Grant times (epoch ms, database clock) still inside the window, oldest first. */
  stamps: bigint("stamps", { mode: "number" }).array().notNull().default(sql`'{}'::bigint[]`),
  /** How many calls the last statement granted, and when (epoch ms): read back by the statement itself. */
  granted: integer("granted").notNull().default(0),
  at: bigint("at", { mode: "number" }).notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
