import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';
import { homeFor } from '../../app/roles';
import { ApiError } from '../../shared/api/client';
import { errorMessage } from '../../shared/api/error-message';
import { setLanguage } from '../../shared/i18n/i18n';
import { session, useSession } from '../../shared/session/session';
import { Button } from '../../shared/ui/Button';
import { Notice } from '../../shared/ui/feedback';
import { TextField } from '../../shared/ui/fields';

export function LoginPage() {
  const { t, i18n } = useTranslation(['auth', 'common']);
  const state = useSession();
  const [params] = useSearchParams();
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = `${t('auth:title')} | ${t('common:appName')}`;
  }, [t]);

  if (state.status === 'authenticated') {
    const next = params.get('next');
    const safeNext = next && next.startsWith('/') && !next.startsWith('//') ? next : null;
    return <Navigate to={safeNext ?? homeFor(state.me.user.role)} replace />;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!loginId || !password) {
      setError(t('auth:required'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await session.login(loginId, password);
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) {
        const seconds = e.retryAfter ?? 60;
        setError(t('auth:throttled', { seconds, minutes: Math.ceil(seconds / 60) }));
      } else {
        setError(errorMessage(t, e));
      }
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const other = i18n.language === 'ja' ? 'en' : 'ja';
  const ended = state.status === 'anonymous' ? state.reason : undefined;
  return (
    <main id="main" className="mx-auto flex min-h-screen w-full max-w-md flex-col justify-center gap-6 px-4 py-10">
      <div className="flex items-center justify-between">
        <p className="text-lg font-bold text-blue-1000">{t('common:appName')}</p>
        <Button variant="secondary" data-testid="lang-switch" lang={other} aria-label={t('common:language.switchToLabel')} onClick={() => setLanguage(other)}>
          {t('common:language.switchTo')}
        </Button>
      </div>
      <form onSubmit={submit} noValidate className="flex flex-col gap-4 rounded-12 bg-white p-6 shadow-1">
        <h1 className="text-2xl font-bold">{t('auth:title')}</h1>
        <p>{t('auth:intro')}</p>
        {ended && <Notice>{t(`common:sessionEnded.${ended}`)}</Notice>}
        {error && (
          <div role="alert" data-testid="login-error" className="rounded-8 border-2 border-error-2 bg-red-50 px-4 py-3 font-bold text-error-2">
            {error}
          </div>
        )}
        <TextField
          label={t('auth:loginId')}
          data-testid="login-id"
          name="loginId"
          autoComplete="username"
          value={loginId}
          onChange={(e) => setLoginId(e.target.value)}
          required
        />
        <TextField
          label={t('auth:password')}
          data-testid="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <Button type="submit" data-testid="login-submit" disabled={busy}>
          {busy ? t('auth:submitting') : t('auth:submit')}
        </Button>
      </form>
    </main>
  );
}
