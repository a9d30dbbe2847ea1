// Which engine runs the pipeline: `inline` (in this process) or `inngest`. The only reader of
// JOBS_DRIVER; everything else asks lib/jobs to enqueue, replay or start, never which engine runs.
import { env } from "@/lib/env";

export type JobsDriver = "inline" | "inngest";

export const jobsDriver = (): JobsDriver => env.JOBS_DRIVER;
