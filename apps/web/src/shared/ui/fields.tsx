import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes, useId } from 'react';

const CONTROL = 'w-full rounded-8 border border-solid-gray-600 bg-white px-3 py-2 text-base text-solid-gray-900';

interface LabelProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
}

function Frame({ id, label, hint, error, children }: LabelProps & { id: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="font-bold">
        {label}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="text-sm text-solid-gray-700">
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p id={`${id}-error`} className="text-sm font-bold text-error-2">
          {error}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, hint: unknown, error: unknown) {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

export function TextField({ label, hint, error, id: given, ...rest }: LabelProps & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const id = given ?? auto;
  return (
    <Frame id={id} label={label} hint={hint} error={error}>
      <input id={id} className={CONTROL} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...rest} />
    </Frame>
  );
}

export function TextArea({ label, hint, error, id: given, ...rest }: LabelProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const id = given ?? auto;
  return (
    <Frame id={id} label={label} hint={hint} error={error}>
      <textarea id={id} className={CONTROL} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...rest} />
    </Frame>
  );
}

export function SelectField({
  label,
  hint,
  error,
  id: given,
  options,
  ...rest
}: LabelProps & SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[] }) {
  const auto = useId();
  const id = given ?? auto;
  return (
    <Frame id={id} label={label} hint={hint} error={error}>
      <select id={id} className={CONTROL} aria-describedby={describedBy(id, hint, error)} {...rest}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

export function Checkbox({ label, ...rest }: { label: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="inline-flex min-h-11 items-center gap-2">
      <input type="checkbox" className="size-5 accent-blue-900" {...rest} />
      <span>{label}</span>
    </label>
  );
}
