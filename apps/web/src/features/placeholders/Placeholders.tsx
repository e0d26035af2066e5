import { useTranslation } from 'react-i18next';

/** Stand-ins for the auditor's, the administrator's and the print screens, which replace these components. */
function Placeholder({ title }: { title: string }) {
  const { t } = useTranslation();
  return (
    <section className="rounded-12 bg-white p-6 shadow-1">
      <h1 className="mb-2 text-2xl font-bold">{title}</h1>
      <p>{t('placeholder')}</p>
    </section>
  );
}

export function AuditPlaceholder() {
  const { t } = useTranslation();
  return <Placeholder title={t('nav.audit')} />;
}

export function AdminPlaceholder() {
  const { t } = useTranslation();
  return <Placeholder title={t('nav.admin')} />;
}

export function PrintPlaceholder() {
  const { t } = useTranslation();
  return <Placeholder title={t('nav.recipients')} />;
}
