import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Role } from '#libs/contracts/index.js';
import { useMe } from '../shared/session/session';
import { homeFor } from './roles';

/** A role that opens an area it may not use sees why, never a crash or an empty table. */
export function RequireRole({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const { t } = useTranslation();
  const role = useMe().user.role;
  if (roles.includes(role)) return children;
  return (
    <section data-testid="role-unavailable" className="mx-auto max-w-2xl rounded-12 bg-white p-6 shadow-1">
      <h1 className="mb-3 text-2xl font-bold">{t('roleUnavailable.title')}</h1>
      <p className="mb-4">{t('roleUnavailable.body', { role: t(`roles.${role}`) })}</p>
      <Link to={homeFor(role)} className="font-bold text-blue-900 underline underline-offset-4">
        {t('roleUnavailable.home')}
      </Link>
    </section>
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  const role = useMe().user.role;
  return (
    <section className="mx-auto max-w-2xl rounded-12 bg-white p-6 shadow-1">
      <h1 className="mb-3 text-2xl font-bold">{t('notFound.title')}</h1>
      <Link to={homeFor(role)} className="font-bold text-blue-900 underline underline-offset-4">
        {t('notFound.home')}
      </Link>
    </section>
  );
}
