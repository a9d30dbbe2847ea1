// Inngest endpoint (production engine); with JOBS_DRIVER=inline the same steps run in-process.
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
