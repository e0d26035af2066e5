import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from './Button';
import { ErrorAlert, Panel } from './feedback';
import { TextField } from './fields';

/** Submit and cancel at the foot of a form. */
export function FormActions({
  submitLabel,
  submitTestId,
  pending,
  disabled,
  danger,
  onCancel,
}: {
  submitLabel: ReactNode;
  submitTestId?: string;
  pending?: boolean;
  disabled?: boolean;
  danger?: boolean;
  onCancel: () => void;
}) {
  const { t } = useTranslation('common');
  return (
    <div className="flex gap-2">
      <Button type="submit" variant={danger ? 'danger' : 'primary'} data-testid={submitTestId} disabled={pending || disabled}>
        {submitLabel}
      </Button>
      <Button variant="secondary" onClick={onCancel}>
        {t('cancel')}
      </Button>
    </div>
  );
}

/** A one-way action that must say why (revoke a grant, retract a note): the reason, then a confirming button. */
export function ReasonForm({
  title,
  reasonLabel,
  confirmLabel,
  testIds,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  title: string;
  reasonLabel: string;
  confirmLabel: string;
  testIds: { reason: string; confirm: string };
  pending: boolean;
  error: unknown;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim()) onConfirm(reason.trim());
  };
  return (
    <form onSubmit={submit} className="mt-2 flex flex-col gap-2" aria-label={title}>
      <TextField label={reasonLabel} data-testid={testIds.reason} required value={reason} onChange={(e) => setReason(e.target.value)} />
      <ErrorAlert error={error ?? undefined} />
      <FormActions submitLabel={confirmLabel} submitTestId={testIds.confirm} pending={pending} disabled={!reason.trim()} danger onCancel={onCancel} />
    </form>
  );
}

/**
 * A panel listing things with a button that opens the form creating one more (grants, consents); the form closes
 * itself with `onDone`. The list's load error and its empty text are shown the same way everywhere.
 */
export function ListPanelWithCreate({
  title,
  testId,
  openLabel,
  openTestId,
  form,
  error,
  empty,
  emptyText,
  children,
}: {
  title: string;
  testId: string;
  openLabel: string;
  openTestId: string;
  form: (onDone: () => void) => ReactNode;
  error: unknown;
  empty: boolean;
  emptyText: string;
  children: ReactNode;
}) {
  const [creating, setCreating] = useState(false);
  return (
    <Panel
      title={title}
      testId={testId}
      actions={
        !creating && (
          <Button data-testid={openTestId} onClick={() => setCreating(true)}>
            {openLabel}
          </Button>
        )
      }
    >
      {creating && form(() => setCreating(false))}
      <ErrorAlert error={error ?? undefined} />
      {empty && <p>{emptyText}</p>}
      {children}
    </Panel>
  );
}
