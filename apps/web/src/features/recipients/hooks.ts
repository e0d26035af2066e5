import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The value once it stopped changing for `ms` (live search without a request per keystroke). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The document title names the screen (WCAG 2.4.2). */
export function usePageTitle(title: string) {
  const { t } = useTranslation('common');
  useEffect(() => {
    document.title = `${title} | ${t('appName')}`;
  }, [title, t]);
}
