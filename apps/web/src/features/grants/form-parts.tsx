import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { api, newIdempotencyKey } from '../../shared/api/client';
import { useOrganisations } from '../../shared/api/organisations';
import { useMe } from '../../shared/session/session';
import { ErrorAlert } from '../../shared/ui/feedback';
import { Checkbox } from '../../shared/ui/fields';
import { FormActions } from '../../shared/ui/forms';

/** The organisations a lead organisation may share with: every other active one. */
export function useOtherOrganisations() {
  const me = useMe();
  return useOrganisations().list.filter((o) => o.id !== me.organisation.id && o.active);
}

/**
 * Creates a grant or a consent of a recipient: one idempotency key per open form (a retried submit cannot create
 * twice), then the recipient's list is refreshed and the form closes.
 */
export function useCreateOnRecipient<T>(path: string, queryKey: readonly unknown[], onDone: () => void) {
  const queryClient = useQueryClient();
  const [idempotencyKey] = useState(newIdempotencyKey);
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post<T>(path, body, { idempotencyKey }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey });
      onDone();
    },
  });
}

/** A set of checkboxes over `options`, the checked values in `selected`. */
export function CheckboxSet({
  legend,
  options,
  selected,
  onChange,
  scroll,
  children,
}: {
  legend: string;
  options: { value: string; label: string; testId: string }[];
  selected: string[];
  onChange: (selected: string[]) => void;
  /** A long list (organisations): one per line, scrolling. */
  scroll?: boolean;
  children?: ReactNode;
}) {
  return (
    <fieldset>
      <legend className="font-bold">{legend}</legend>
      <div className={scroll ? 'flex max-h-48 flex-col overflow-y-auto' : 'flex flex-wrap gap-x-4'}>
        {options.map((o) => (
          <Checkbox
            key={o.value}
            data-testid={o.testId}
            label={o.label}
            checked={selected.includes(o.value)}
            onChange={(e) => onChange(e.target.checked ? [...selected, o.value] : selected.filter((v) => v !== o.value))}
          />
        ))}
      </div>
      {children}
    </fieldset>
  );
}

/** The frame of a create form: title, fields, the problem or the API's error, submit and cancel. */
export function CreateForm({
  title,
  onSubmit,
  problem,
  error,
  submitLabel,
  submitTestId,
  pending,
  onCancel,
  children,
}: {
  title: string;
  onSubmit: (e: FormEvent) => void;
  problem: string | null;
  error: unknown;
  submitLabel: string;
  submitTestId: string;
  pending: boolean;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <form onSubmit={onSubmit} className="mb-4 flex flex-col gap-3 rounded-8 border border-solid-gray-200 bg-solid-gray-50 p-3" aria-label={title}>
      <h3 className="font-bold">{title}</h3>
      {children}
      <ErrorAlert error={error ?? undefined}>{problem ?? undefined}</ErrorAlert>
      <FormActions submitLabel={submitLabel} submitTestId={submitTestId} pending={pending} onCancel={onCancel} />
    </form>
  );
}
