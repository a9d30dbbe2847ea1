"use client";
// The <button> behind `Button`, a client component because it swallows clicks while disabled.
// `disabled` is rendered as aria-disabled: a native disabled button drops keyboard focus to <body> the
// moment it is disabled (e.g. "Replay" while it runs); aria-disabled keeps focus where it was, and
// clicks, Enter/Space and form submits are swallowed here instead.
import type { ButtonHTMLAttributes } from "react";

export function ButtonBase({ disabled, onClick, ...props }: ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      aria-disabled={disabled || undefined}
      onClick={(e) => {
        if (disabled) {
          e.preventDefault();
          return;
        }
        onClick?.(e);
      }}
      {...props}
    />
  );
}
