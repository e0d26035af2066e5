import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { setLanguage } from '../shared/i18n/i18n';
import { useLiveStatus } from '../shared/live/live-client';
import { LiveProvider, useLive } from '../shared/live/live-context';
import { LiveToasts } from '../shared/live/LiveToasts';
import { session, useSession, watchIdle } from '../shared/session/session';
import { Button } from '../shared/ui/Button';
import { AREA_ROLES } from './roles';

/** Every screen after login: the header (user, language, live state, logout) around the routed page. */
export function AuthenticatedLayout() {
  const state = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  useEffect(() => watchIdle(), []);
  if (state.status === 'booting') {
    return (
      <p role="status" className="p-8">
        {t('loading')}
      </p>
    );
  }
  if (state.status === 'anonymous') {
    // After a deliberate logout the next login starts from the home screen, not from where the user was.
    const next = state.reason === 'logout' || state.reason === 'elsewhere' ? '' : location.pathname + location.search;
    return <Navigate to={`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return (
    <LiveProvider userId={state.me.user.id}>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:p-2">
        {t('skipToContent')}
      </a>
      <Header />
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl px-4 py-6">
        <Outlet />
      </main>
      <LiveToasts />
    </LiveProvider>
  );
}

function Header() {
  const { t, i18n } = useTranslation();
  const state = useSession();
  const { client } = useLive();
  const status = useLiveStatus(client);
  if (state.status !== 'authenticated') return null;
  const { user, organisation } = state.me;
  const links = (Object.keys(AREA_ROLES) as (keyof typeof AREA_ROLES)[]).filter((area) =>
    (AREA_ROLES[area] as readonly string[]).includes(user.role),
  );
  const other = i18n.language === 'ja' ? 'en' : 'ja';
  const dot = { connected: 'bg-success-1', connecting: 'bg-warning-yellow-1', offline: 'bg-error-1' }[status];
  return (
    <header className="no-print border-b border-solid-gray-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <span className="text-lg font-bold text-blue-1000">{t('appName')}</span>
        <nav aria-label={t('nav.mainNavigation')} className="flex gap-4">
          {links.map((area) => (
            <NavLink
              key={area}
              to={`/${area}`}
              className={({ isActive }) => `font-bold underline-offset-4 hover:underline ${isActive ? 'text-blue-1000 underline' : 'text-blue-900'}`}
            >
              {t(`nav.${area}`)}
            </NavLink>
          ))}
        </nav>
        <div className="ml-auto flex flex-wrap items-center gap-3">
          <span data-testid="live-status" data-state={status} role="status" className="inline-flex items-center gap-2 text-sm">
            <span aria-hidden="true" className={`inline-block size-3 rounded-full ${dot}`} />
            {t(`live.${status}`)}
          </span>
          <span data-testid="nav-user" className="text-sm font-bold">
            {t('nav.user', { name: user.displayName, organisation: organisation.name })}
          </span>
          <Button variant="secondary" data-testid="lang-switch" lang={other} aria-label={t('language.switchToLabel')} onClick={() => setLanguage(other)}>
            {t('language.switchTo')}
          </Button>
          <Button variant="secondary" data-testid="logout" onClick={() => void session.logout()}>
            {t('logout')}
          </Button>
        </div>
      </div>
    </header>
  );
}
