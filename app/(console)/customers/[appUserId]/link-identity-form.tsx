"use client";
// "Link an identity by hand": pick the system, paste its id. Errors sit next to the field they concern.
import { useActionState, useEffect, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { linkIdentityAction, type LinkIdentityState } from "@/lib/actions/link-identity-action";

const SYSTEMS = [
  { value: "stripe", label: "Stripe customer", placeholder: "cus_…" },
  { value: "hubspot", label: "HubSpot contact", placeholder: "Contact id, e.g. 51234" },
  { value: "zendesk", label: "Zendesk user", placeholder: "User id, e.g. 3912345" },
] as const;

const control =
  "h-9 rounded-md border bg-white px-2.5 text-sm text-slate-900 shadow-xs focus-visible:border-indigo-500";

/** Open when a system is missing (the likely reason to be here); a summary to expand otherwise. */
export function LinkIdentityForm({
  appUserId,
  suggested,
  open,
}: {
  appUserId: string;
  suggested: string;
  open: boolean;
}) {
  const [state, action, pending] = useActionState<LinkIdentityState, FormData>(linkIdentityAction, {});
  const [system, setSystem] = useState(suggested);
  useEffect(() => {
    if (!state.at) return;
    if (state.ok) toast.success(state.message);
    else if (!state.fieldErrors) toast.error(state.error);
  }, [state]);
  const placeholder = SYSTEMS.find((s) => s.value === system)?.placeholder;
  const err = state.ok === false ? state.fieldErrors : undefined;

  return (
    <details open={open} className="mt-4 rounded-lg border border-slate-200 bg-slate-50">
      <summary className="cursor-pointer rounded-lg px-4 py-3 text-sm font-semibold select-none hover:bg-slate-100">
        Link an identity by hand
        <span className="ml-2 font-normal text-slate-600">for a record the pipeline could not match</span>
      </summary>
      <form
        action={action}
        className="border-t border-slate-200 px-4 pt-3 pb-4"
        aria-label="Link an identity by hand"
        noValidate
      >
        <p className="text-xs text-slate-600">
          Paste the id from Stripe, HubSpot or Zendesk. It must not belong to another customer; a link made from our own
          id cannot be replaced.
        </p>
        <input type="hidden" name="appUserId" value={appUserId} />
        <div className="mt-3 flex flex-wrap items-start gap-3">
          <div className="flex flex-col gap-1">
            <label htmlFor="link-system" className="text-xs font-medium text-slate-700">
              System
            </label>
            <select
              id="link-system"
              name="system"
              defaultValue={state.values?.system ?? suggested}
              onChange={(e) => setSystem(e.target.value)}
              aria-invalid={Boolean(err?.system)}
              aria-describedby={err?.system ? "link-system-error" : undefined}
              className={`${control} ${err?.system ? "border-red-500" : "border-slate-300"}`}
            >
              {SYSTEMS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
            {err?.system ? (
              <p id="link-system-error" className="text-xs text-red-700">
                {err.system}
              </p>
            ) : null}
          </div>
          <div className="flex min-w-72 flex-1 flex-col gap-1">
            <label htmlFor="link-external-id" className="text-xs font-medium text-slate-700">
              External id
            </label>
            <input
              id="link-external-id"
              name="externalId"
              autoComplete="off"
              spellCheck={false}
              defaultValue={state.values?.externalId ?? ""}
              placeholder={placeholder}
              aria-invalid={Boolean(err?.externalId)}
              aria-describedby={err?.externalId ? "link-external-id-error" : undefined}
              className={`${control} ${err?.externalId ? "border-red-500" : "border-slate-300"}`}
            />
            {err?.externalId ? (
              <p id="link-external-id-error" role="alert" className="max-w-xl text-xs text-red-700">
                {err.externalId}
              </p>
            ) : null}
          </div>
          <div className="flex flex-col gap-1">
            <span aria-hidden className="text-xs">
              &nbsp;
            </span>
            <Button type="submit" disabled={pending} aria-busy={pending}>
              {pending ? "Linking…" : "Link"}
            </Button>
          </div>
        </div>
      </form>
    </details>
  );
}
