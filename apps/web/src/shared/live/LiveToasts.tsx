import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useOrganisations } from '../api/organisations';
import { Button } from '../ui/Button';
import { useLive } from './live-context';

const TOAST_MS = 12_000;

/** Who changed which fields of a record (live), announced politely; each toast closes itself after a while. */
export function LiveToasts() {
  const { t } = useTranslation(['recipients', 'common']);
  const { toasts, dismiss } = useLive();
  const organisations = useOrganisations();
  useEffect(() => {
    if (toasts.length === 0) return;
    const timer = setTimeout(() => dismiss(toasts[0].id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toasts, dismiss]);
  return (
    <div aria-live="polite" className="no-print fixed right-4 bottom-4 z-40 flex w-[min(26rem,calc(100vw-2rem))] flex-col gap-2">
      {toasts.map((toast) => (
        <div key={toast.id} data-testid="live-toast" className="flex items-start gap-3 rounded-8 border-2 border-blue-900 bg-white p-3 shadow-2">
          <p className="flex-1">
            {t('recipients:live.updated', {
              organisation: organisations.name(toast.organisationId),
              fields: toast.fields.map((f) => t(`common:fields.${f}`, { defaultValue: f })).join('、'),
            })}
          </p>
          <Button variant="ghost" onClick={() => dismiss(toast.id)}>
            {t('common:close')}
          </Button>
        </div>
      ))}
    </div>
  );
}
