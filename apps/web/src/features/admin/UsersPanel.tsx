import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page, Role, UserJson } from '#libs/contracts/index.js';
import { ApiError, api, newIdempotencyKey, query } from '../../shared/api/client';
import { useOrganisations } from '../../shared/api/organisations';
import { queryKeys } from '../../shared/api/query-keys';
import { formatDateTime } from '../../shared/format/wareki';
import { useMe } from '../../shared/session/session';
import { Button } from '../../shared/ui/Button';
import { Badge, Dialog, ErrorAlert, Notice, Panel } from '../../shared/ui/feedback';
import { SelectField, TextField } from '../../shared/ui/fields';
import { DialogActions, Target } from './admin-ui';
import { assignableRoles, canManage, LOGIN_ID_PATTERN, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from './admin-rules';

const PAGE_SIZE = 50;

/** An API failure, with the password policy said in words (the common messages do not know it). */
function AdminError({ error }: { error: unknown }) {
  const { t } = useTranslation('admin');
  if (error instanceof ApiError && error.code === 'PASSWORD_POLICY') return <ErrorAlert>{t('password.policyError')}</ErrorAlert>;
  return <ErrorAlert error={error} />;
}

function PasswordField({ value, onChange, loginId, label, testId }: { value: string; onChange: (v: string) => void; loginId: string; label: string; testId: string }) {
  const { t } = useTranslation('admin');
  const problem = value ? passwordProblem(value, loginId) : null;
  return (
    <TextField
      type="password"
      autoComplete="new-password"
      label={label}
      hint={t('password.policy', { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH })}
      error={problem ? t(`password.problems.${problem}`, { min: PASSWORD_MIN_LENGTH }) : undefined}
      data-testid={testId}
      required
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** Users: system_admin of any organisation (filterable), org_admin of its own organisation only. */
export function UsersPanel() {
  const { t, i18n } = useTranslation(['admin', 'common']);
  const me = useMe();
  const organisations = useOrganisations();
  const isSystem = me.user.role === 'system_admin';
  const [organisationId, setOrganisationId] = useState('');
  const filters = isSystem ? { organisationId } : { organisationId: me.organisation.id };
  const users = useInfiniteQuery({
    queryKey: queryKeys.userList(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => api.get<Page<UserJson>>(`/users${query({ ...filters, limit: PAGE_SIZE, cursor: pageParam })}`, signal),
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = users.data?.pages.flatMap((p) => p.items) ?? [];
  const [editing, setEditing] = useState<UserJson | null>(null);
  const [resetting, setResetting] = useState<UserJson | null>(null);
  const [deactivating, setDeactivating] = useState<UserJson | null>(null);
  const lang = i18n.language;
  const admin = { id: me.user.id, role: me.user.role, organisationId: me.organisation.id };

  return (
    <Panel title={isSystem ? t('admin:users.titleAll') : t('admin:users.titleOwn', { organisation: me.organisation.name })}>
      {isSystem && (
        <div className="mb-3 max-w-md">
          <SelectField
            label={t('admin:users.filterOrganisation')}
            data-testid="user-filter-organisation"
            value={organisationId}
            onChange={(e) => setOrganisationId(e.target.value)}
            options={[{ value: '', label: t('admin:users.allOrganisations') }, ...organisations.list.map((o) => ({ value: o.id, label: o.name }))]}
          />
        </div>
      )}
      <ErrorAlert error={users.error} />
      <div className="overflow-x-auto">
        <table className="w-full min-w-[56rem] border-collapse text-sm" aria-label={t('admin:users.tableLabel')}>
          <thead className="bg-solid-gray-50 text-left">
            <tr>
              {(['displayName', 'loginId', 'role', 'organisation', 'active', 'lastLogin', 'actions'] as const).map((c) => (
                <th key={c} scope="col" className="border-b border-solid-gray-200 px-3 py-2">
                  {t(`admin:users.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((u) => {
              const manageable = canManage(admin, u);
              return (
                <tr key={u.id} data-testid="user-row" data-user-id={u.id} data-login-id={u.loginId} data-active={String(u.active)} className="border-b border-solid-gray-100">
                  <th scope="row" className="px-3 py-2 text-left font-normal">
                    {u.displayName}
                  </th>
                  <td className="px-3 py-2 font-mono">{u.loginId}</td>
                  <td className="px-3 py-2">{t(`common:roles.${u.role}`)}</td>
                  <td className="px-3 py-2">{organisations.name(u.organisationId)}</td>
                  <td className="whitespace-nowrap px-3 py-2">
                    {u.active ? <Badge tone="info">{t('admin:active')}</Badge> : <Badge tone="danger">{t('admin:inactive')}</Badge>}
                  </td>
                  <td className="px-3 py-2">{u.lastLoginAt ? formatDateTime(u.lastLoginAt, lang) : t('admin:users.never')}</td>
                  <td className="px-3 py-2">
                    {manageable && (
                      <span className="flex flex-wrap gap-1">
                        <Button variant="ghost" className="min-h-9 px-2 py-1" onClick={() => setEditing(u)}>
                          <Target text={t('admin:edit')} name={u.displayName} />
                        </Button>
                        <Button
                          variant="ghost"
                          className="min-h-9 px-2 py-1"
                          data-testid="user-reset-password"
                          onClick={() => setResetting(u)}
                        >
                          <Target text={t('admin:users.reset')} name={u.displayName} />
                        </Button>
                        {u.active && u.id !== me.user.id && (
                          <Button
                            variant="ghost"
                            className="min-h-9 px-2 py-1 text-error-2"
                            data-testid="user-deactivate"
                            onClick={() => setDeactivating(u)}
                          >
                            <Target text={t('admin:users.deactivate')} name={u.displayName} />
                          </Button>
                        )}
                        {!u.active && <ReactivateButton user={u} />}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {users.isPending && (
          <p role="status" className="p-3">
            {t('common:loading')}
          </p>
        )}
      </div>
      {users.hasNextPage && (
        <Button variant="secondary" className="mt-2" disabled={users.isFetchingNextPage} onClick={() => void users.fetchNextPage()}>
          {t('admin:more')}
        </Button>
      )}
      <UserCreateForm />
      {editing && <UserEditDialog user={editing} onClose={() => setEditing(null)} />}
      {resetting && <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />}
      {deactivating && <DeactivateDialog user={deactivating} onClose={() => setDeactivating(null)} />}
    </Panel>
  );
}

function useUserPatch(user: UserJson, onDone?: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<Pick<UserJson, 'displayName' | 'role' | 'active'>> & { password?: string }) =>
      api.patch<UserJson>(`/users/${user.id}`, patch, user.version),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.users });
      onDone?.();
    },
  });
}

function ReactivateButton({ user }: { user: UserJson }) {
  const { t } = useTranslation('admin');
  const patch = useUserPatch(user);
  return (
    <>
      <Button variant="ghost" className="min-h-9 px-2 py-1" disabled={patch.isPending} onClick={() => patch.mutate({ active: true })}>
        <Target text={t('users.activate')} name={user.displayName} />
      </Button>
      <AdminError error={patch.error} />
    </>
  );
}

function UserCreateForm() {
  const { t } = useTranslation(['admin', 'common']);
  const me = useMe();
  const organisations = useOrganisations();
  const queryClient = useQueryClient();
  const isSystem = me.user.role === 'system_admin';
  const roles = assignableRoles(me.user.role);
  const [form, setForm] = useState({ loginId: '', displayName: '', organisationId: isSystem ? '' : me.organisation.id, role: 'caseworker' as Role, password: '' });
  const [key, setKey] = useState(newIdempotencyKey);
  const [created, setCreated] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const create = useMutation({
    mutationFn: () => api.post<UserJson>('/users', { ...form, displayName: form.displayName.trim() }, { idempotencyKey: key }),
    onSuccess: async (user) => {
      setCreated(`${user.displayName} (${user.loginId})`);
      setForm((f) => ({ ...f, loginId: '', displayName: '', password: '' }));
      setKey(newIdempotencyKey());
      setTried(false);
      await queryClient.invalidateQueries({ queryKey: queryKeys.users });
    },
  });
  const loginIdInvalid = form.loginId !== '' && !LOGIN_ID_PATTERN.test(form.loginId);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setCreated(null);
    if (!LOGIN_ID_PATTERN.test(form.loginId) || !form.displayName.trim() || !form.organisationId || passwordProblem(form.password, form.loginId)) return;
    create.mutate();
  };
  const activeOrgs = organisations.list.filter((o) => o.active);
  return (
    <form data-testid="user-create" onSubmit={submit} className="mt-4 flex flex-col gap-3 border-t border-solid-gray-200 pt-4" aria-labelledby="user-create-title" noValidate>
      <h3 id="user-create-title" className="font-bold">
        {t('admin:users.create')}
      </h3>
      <div className="grid gap-3 md:grid-cols-2">
        <TextField
          label={t('admin:users.loginId')}
          hint={t('admin:users.loginIdHint')}
          error={loginIdInvalid || (tried && !form.loginId) ? t('admin:users.loginIdError') : undefined}
          data-testid="user-login-id"
          autoComplete="off"
          required
          value={form.loginId}
          onChange={(e) => set({ loginId: e.target.value })}
        />
        <TextField
          label={t('admin:users.displayName')}
          error={tried && !form.displayName.trim() ? t('admin:users.required') : undefined}
          data-testid="user-display-name"
          required
          maxLength={100}
          value={form.displayName}
          onChange={(e) => set({ displayName: e.target.value })}
        />
        {isSystem ? (
          <SelectField
            label={t('admin:users.organisation')}
            error={tried && !form.organisationId ? t('admin:users.required') : undefined}
            data-testid="user-organisation"
            required
            value={form.organisationId}
            onChange={(e) => set({ organisationId: e.target.value })}
            options={[{ value: '', label: t('admin:users.chooseOrganisation') }, ...activeOrgs.map((o) => ({ value: o.id, label: o.name }))]}
          />
        ) : (
          <TextField label={t('admin:users.organisation')} readOnly value={me.organisation.name} />
        )}
        <SelectField
          label={t('admin:users.role')}
          data-testid="user-role"
          value={form.role}
          onChange={(e) => set({ role: e.target.value as Role })}
          options={roles.map((r) => ({ value: r, label: t(`common:roles.${r}`) }))}
        />
        <PasswordField label={t('admin:users.initialPassword')} testId="user-password" value={form.password} loginId={form.loginId} onChange={(password) => set({ password })} />
      </div>
      {tried && !form.password && <ErrorAlert>{t('admin:password.required')}</ErrorAlert>}
      <AdminError error={create.error} />
      {created && <Notice tone="success">{t('admin:users.created', { name: created })}</Notice>}
      <div>
        <Button type="submit" data-testid="user-submit" disabled={create.isPending}>
          {t('admin:users.submit')}
        </Button>
      </div>
    </form>
  );
}

function UserEditDialog({ user, onClose }: { user: UserJson; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const me = useMe();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState<Role>(user.role);
  const save = useUserPatch(user, onClose);
  return (
    <Dialog open title={t('admin:users.editTitle', { name: user.displayName })} onClose={onClose} testId="user-edit-dialog">
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (displayName.trim()) save.mutate({ displayName: displayName.trim(), ...(role !== user.role ? { role } : {}) });
        }}
      >
        <TextField label={t('admin:users.displayName')} required maxLength={100} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        <SelectField
          label={t('admin:users.role')}
          value={role}
          disabled={user.id === me.user.id}
          onChange={(e) => setRole(e.target.value as Role)}
          options={assignableRoles(me.user.role).map((r) => ({ value: r, label: t(`common:roles.${r}`) }))}
        />
        <AdminError error={save.error} />
        <DialogActions label={t('common:save')} pending={save.isPending} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: UserJson; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const reset = useUserPatch(user, () => setDone(true));
  return (
    <Dialog open title={t('admin:users.resetTitle', { name: user.displayName })} onClose={onClose} testId="user-reset-dialog">
      {done ? (
        <>
          <Notice tone="success">{t('admin:users.resetDone', { name: user.displayName })}</Notice>
          <div>
            <Button onClick={onClose}>{t('common:close')}</Button>
          </div>
        </>
      ) : (
        <form
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (!passwordProblem(password, user.loginId)) reset.mutate({ password });
          }}
        >
          <p>{t('admin:users.resetExplain')}</p>
          <PasswordField label={t('admin:users.newPassword')} testId="user-new-password" value={password} loginId={user.loginId} onChange={setPassword} />
          <AdminError error={reset.error} />
          <DialogActions label={t('admin:users.resetSubmit')} testId="user-reset-confirm" pending={reset.isPending} onCancel={onClose} />
        </form>
      )}
    </Dialog>
  );
}

function DeactivateDialog({ user, onClose }: { user: UserJson; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const deactivate = useUserPatch(user, onClose);
  return (
    <Dialog open title={t('admin:users.deactivateTitle', { name: user.displayName })} onClose={onClose} testId="user-deactivate-dialog">
      <p>{t('admin:users.deactivateExplain', { name: user.displayName, loginId: user.loginId })}</p>
      <AdminError error={deactivate.error} />
      <DialogActions
        danger
        label={t('admin:users.deactivateConfirm')}
        testId="user-deactivate-confirm"
        pending={deactivate.isPending}
        onCancel={onClose}
        onConfirm={() => deactivate.mutate({ active: false })}
      />
    </Dialog>
  );
}
