// An erasure id that does not exist (mistyped, or from another environment).
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export default function ErasureNotFound() {
  return (
    <div className="mx-auto mt-10 max-w-lg rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center">
      <h1 className="text-xl font-semibold">No such erasure</h1>
      <p className="mt-2 text-sm text-slate-600">
        There is no erasure with this reference here. The link may come from another environment, or the reference may
        be mistyped (it is a UUID such as <code className="font-mono text-xs">3f2b9c1e-…</code>).
      </p>
      <Link href="/erasures" className={buttonClasses("primary", "md", "mt-5")}>
        Go to erasures
      </Link>
    </div>
  );
}
