import { useTranslation } from 'react-i18next';
import { Button } from '../../shared/ui/Button';

/** A row action's visible word, and for screen readers whom it acts on (the visible word stays the start of its name). */
export function Target({ text, name }: { text: string; name: string }) {
  const { t } = useTranslation('admin');
  return (
    <>
      {text}
      <span className="sr-only">{t('target', { name })}</span>
    </>
  );
}

/** The buttons under a dialog's form: the action (a submit unless `onConfirm` is given) and cancel. */
export function DialogActions({
  label,
  testId,
  pending,
  onCancel,
  onConfirm,
  danger,
}: {
  label: string;
  testId?: string;
  pending: boolean;
  onCancel: () => void;
  onConfirm?: () => void;
  danger?: boolean;
}) {
  const { t } = useTranslation('common');
  return (
    <div className="flex gap-3">
      <Button type={onConfirm ? 'button' : 'submit'} variant={danger ? 'danger' : 'primary'} data-testid={testId} disabled={pending} onClick={onConfirm}>
        {label}
      </Button>
      <Button variant="secondary" onClick={onCancel}>
        {t('cancel')}
      </Button>
    </div>
  );
}
