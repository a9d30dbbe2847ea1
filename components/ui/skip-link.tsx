// "Skip to content": the first Tab stop of every console page, hidden until focused, jumping past the
// navigation to <main id="content">.
export function SkipLink({ href = "#content" }: { href?: string }) {
  return (
    <a
      href={href}
      className="sr-only rounded-md bg-slate-900 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-[60]"
    >
      Skip to content
    </a>
  );
}
