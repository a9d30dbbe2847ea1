// user.deleted → one erasure (issue 19): each system in turn, then our own records. Every step is idempotent and
// replayable; a system the person is not in is a receipt line "Nothing held", not an error.
import { eraseBillingStep } from "@/lib/pipeline/steps/erase-billing";
import { eraseCrmStep } from "@/lib/pipeline/steps/erase-crm";
import { eraseRecordsStep } from "@/lib/pipeline/steps/erase-records";
import { eraseSupportStep } from "@/lib/pipeline/steps/erase-support";
import type { UserDeleted } from "@/lib/erasure/step-context";
import type { Handler } from "@/lib/pipeline/engine/types";

export const userDeleted: Handler<UserDeleted> = {
  customerKey: (p) => `app:${p.data.userId}`,
  // erase-records last: the steps before it read the external ids from the identities it deletes.
  steps: [eraseCrmStep, eraseSupportStep, eraseBillingStep, eraseRecordsStep],
};
