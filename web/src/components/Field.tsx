import type { ComponentChildren, JSX } from "preact";

type InputProps = JSX.InputHTMLAttributes<HTMLInputElement> & { label: string; id: string; hint?: string };

/** A labelled input: the label's text is the field's accessible name. */
export function Field({ label, id, hint, ...input }: InputProps) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint && <small id={`${id}-hint`}>{hint}</small>}
    </div>
  );
}

export function Alert({ children, kind = "error" }: { children: ComponentChildren; kind?: "error" | "info" }) {
  if (!children) return null;
  return <p class={`alert alert-${kind}`} role={kind === "error" ? "alert" : "status"}>{children}</p>;
}
