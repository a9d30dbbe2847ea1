"use client";
// "Erase this person" (owners only; the action checks the role again): a dialog that says what happens in each
// system, asks the owner to type the person's app user id or email, takes an optional reason, then starts the
// erasure and goes to its receipt. The confirm button stays disabled until the typed text names the person.
import { useId, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Code, Input } from "@/components/ui/input";
import { eraseCustomerAction } from "@/lib/actions/erasure";

type Props = {
  appUserId: string;
  email: string | null;
  /** The person's name (or email), to say whom the dialog is about. */
  displayName: string;
  /** Whether Stripe subscriptions end now or at the end of the paid period (ERASURE_STRIPE_CANCEL). */
  stripeCancel: "now" | "period_end";
};

/** The same rule the server applies: the app user id exactly, or the email in any case. */
function names(typed: string, appUserId: string, email: string | null): boolean {
  const text = typed.trim();
  if (!text) return false;
  return text === appUserId || (email !== null && text.toLowerCase() === email.trim().toLowerCase());
}

export function ErasePersonButton({ appUserId, email, displayName, stripeCancel }: Props) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const confirmId = useId();
  const reasonId = useId();
  const errorId = useId();

  const close = () => {
    setOpen(false);
    setTyped("");
    setReason("");
    setError(null);
  };

  const erase = () =>
    start(async () => {
      setError(null);
      const result = await eraseCustomerAction({ appUserId, confirm: typed, reason: reason || undefined });
      if (!result.ok) {
        setError(result.fieldErrors?.confirm ?? result.error);
        return;
      }
      toast.success("Erasure started", { description: "Each system is erased in turn; the receipt fills in." });
      router.push(`/erasures/${result.erasureId}`);
    });

  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Erase this person…
      </Button>
      <ConfirmDialog
        open={open}
        onClose={close}
        onConfirm={erase}
        title={`Erase ${displayName} everywhere?`}
        confirmLabel="Erase permanently"
        confirmVariant="danger"
        confirmDisabled={!names(typed, appUserId, email)}
        busy={pending}
      >
        <p>This cannot be undone. One erasure runs through every system, each step replayable if it fails:</p>
        <ul className="list-disc space-y-1 pl-5">
          <li>HubSpot: the contact is permanently deleted (GDPR delete).</li>
          <li>Zendesk: their ticket comments are redacted and the user deleted (Intercom: the contact deleted).</li>
          <li>
            Stripe:{" "}
            {stripeCancel === "now"
              ? "active subscriptions are cancelled now and the customer deleted."
              : "subscriptions end at the close of the paid period and the customer is anonymised."}
          </li>
          <li>
            Here: the customer becomes a tombstone; payloads, tickets, alerts and audit details naming them are
            redacted. Later events about them are kept but ignored.
          </li>
        </ul>
        <p>Download their data first if they asked for a copy.</p>
        <div className="pt-1">
          <label htmlFor={confirmId} className="block font-medium text-slate-900">
            Type <Code>{appUserId}</Code>
            {email ? (
              <>
                {" "}
                or <Code>{email}</Code>
              </>
            ) : null}{" "}
            to confirm
          </label>
          <Input
            id={confirmId}
            className="mt-1.5"
            value={typed}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => {
              setTyped(e.target.value);
              setError(null);
            }}
            onKeyDown={(e) => {
              // Enter submits only once the text names the person: the same gate as the button.
              if (e.key === "Enter" && names(typed, appUserId, email) && !pending) erase();
            }}
          />
        </div>
        <div>
          <label htmlFor={reasonId} className="block font-medium text-slate-900">
            Reason <span className="font-normal text-slate-600">(optional, kept on the erasure)</span>
          </label>
          <Input
            id={reasonId}
            className="mt-1.5"
            value={reason}
            maxLength={500}
            placeholder="Deletion request by email, 28 Nov"
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        {error ? (
          <p id={errorId} role="alert" className="text-red-700">
            {error}
          </p>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
