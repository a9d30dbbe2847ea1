// What every scenario gets from the orchestrator.
import type { Sandbox } from "../../sandbox";
import type { Sizes } from "./config";
import type { Sql } from "./db";
import type { AppServer } from "./server";

export type Context = {
  quick: boolean;
  sizes: Sizes;
  /** Short, unique per run: scenarios prefix their ids with it, so runs and scenarios never collide. */
  runId: string;
  /** The main server (inline jobs, DEMO_MODE=1, the suite's secrets, PostgreSQL below). */
  server: AppServer;
  /** The environment the main server runs with, for scenarios that start a server of their own. */
  serverEnv: NodeJS.ProcessEnv;
  pgUrl: string;
  sql: Sql;
  sandbox: Sandbox;
  distDir: string;
  logDir: string;
  log: (message: string) => void;
};
