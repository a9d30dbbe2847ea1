// Steps that run only when it makes sense: an event that is not ours to act on is skipped with a reason
// instead of failing (which would ask the founder for a hand fix that has nothing to fix).
import { STEP } from "@/lib/pipeline/engine/step-names";
import type { Step, StepContext } from "@/lib/pipeline/engine/types";

/** `step`, skipped with `reason` when `applies` says no. */
export function onlyWhen<P>(applies: (ctx: StepContext<P>) => boolean, reason: string, step: Step<P>): Step<P> {
  return {
    name: step.name,
    run: async (ctx) => (applies(ctx) ? step.run(ctx) : { skipped: true, output: { reason } }),
  };
}

/** Whether resolve-identity found the customer (a skipped one passes no output on). */
export const resolved = <P>(ctx: StepContext<P>) => ctx.outputs[STEP.resolveIdentity] != null;
