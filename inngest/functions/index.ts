// Every Inngest function the app serves at /api/inngest.
import type { InngestFunction } from "inngest";

export const functions: InngestFunction.Any[] = [];
