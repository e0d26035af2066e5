import { useTranslation } from 'react-i18next';

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
