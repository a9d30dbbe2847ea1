// An event id that does not exist (mistyped, from another environment, or an old link).
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export default function EventNotFound() {
  return (
    <div className="mx-auto mt-10 max-w-lg rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center">
      <h1 className="text-xl font-semibold">No such event</h1>
      <p className="mt-2 text-sm text-slate-600">
        There is no event with this id here. The link may come from another environment, or the id may be mistyped
        (event ids are UUIDs such as <code className="font-mono text-xs">3f2b9c1e-…</code>, not Stripe{" "}
        <code className="font-mono text-xs">evt_…</code> ids).
      </p>
      <p className="mt-2 text-sm text-slate-600">Search the list by customer, type or status to find it.</p>
      <Link href="/events" className={buttonClasses("primary", "md", "mt-5")}>
        Go to events
      </Link>
    </div>
  );
}
