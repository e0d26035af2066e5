import { useTranslation } from 'react-i18next';
import { useMe } from '../../shared/session/session';
import { usePageTitle } from '../recipients/hooks';
import { OrganisationsPanel } from './OrganisationsPanel';
import { UsersPanel } from './UsersPanel';

/** `/admin`: system_admin manages organisations and every user; org_admin the users of its own organisation. */
export function AdminPage() {
  const { t } = useTranslation('admin');
  usePageTitle(t('title'));
  const { user } = useMe();
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p>{user.role === 'system_admin' ? t('introSystem') : t('introOrg')}</p>
      {user.role === 'system_admin' && <OrganisationsPanel />}
      <UsersPanel />
    </div>
  );
}
