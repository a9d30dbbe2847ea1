// Who is signed in, the theme, and sign out: the foot of the sidebar and of the phone menu.
import { signOutAction } from "@/lib/actions/sign-out-action";
import { Button } from "@/components/ui/button";
import { ThemeToggle } from "./theme-toggle";

export function AccountBox({ email, role }: { email: string; role: string }) {
  return (
    <div className="border-t border-slate-200 px-3 pt-4 text-sm">
      <p className="truncate font-medium" title={email}>
        {email}
      </p>
      <p className="text-slate-600 capitalize">{role}</p>
      <ThemeToggle className="mt-3" />
      <form action={signOutAction} className="mt-3">
        <Button type="submit" size="sm">
          Sign out
        </Button>
      </form>
    </div>
  );
}
