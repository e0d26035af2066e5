import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ConsentJson, FIELD_GROUPS, GRANT_PERMISSIONS, type GrantJson, LEGAL_BASES, type Page } from '#libs/contracts/index.js';
import { api, newIdempotencyKey } from '../../shared/api/client';
import { useOrganisations } from '../../shared/api/organisations';
import { queryKeys } from '../../shared/api/query-keys';
import { formatDateTime } from '../../shared/format/wareki';
import { useMe } from '../../shared/session/session';
import { Button } from '../../shared/ui/Button';
import { Badge, ErrorAlert, Panel } from '../../shared/ui/feedback';
import { Checkbox, SelectField, TextField } from '../../shared/ui/fields';
import { basisText, groupsText, permissionsText } from './grant-labels';
import { grantState, parseValidUntil } from './grant-time';

const STATE_TONE = { active: 'info', pending: 'neutral', expired: 'neutral', revoked: 'danger' } as const;

/** The lead organisation's grants on this recipient: create (with legal basis), list with state, revoke with a reason. */
export function GrantsPanel({ recipientId }: { recipientId: string }) {
  const { t, i18n } = useTranslation(['grants', 'common']);
  const organisations = useOrganisations();
  const [creating, setCreating] = useState(false);
  const grants = useQuery({
    queryKey: queryKeys.grants(recipientId),
    queryFn: ({ signal }) => api.get<Page<GrantJson>>(`/recipients/${recipientId}/grants?limit=200`, signal),
  });
  return (
    <Panel
      title={t('grants:title')}
      testId="grants-panel"
      actions={
        !creating && (
          <Button data-testid="grant-create" onClick={() => setCreating(true)}>
            {t('grants:create.open')}
          </Button>
        )
      }
    >
      {creating && <CreateGrant recipientId={recipientId} onDone={() => setCreating(false)} />}
      <ErrorAlert error={grants.error ?? undefined} />
      {grants.data && grants.data.items.length === 0 && <p>{t('grants:empty')}</p>}
      <ul className="flex flex-col gap-3">
        {(grants.data?.items ?? []).map((g) => {
          const state = grantState(g);
          return (
            <li key={g.id} data-testid="grant-row" data-grant-id={g.id} data-state={state} className="rounded-8 border border-solid-gray-200 p-3">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-bold">{organisations.name(g.granteeOrganisationId)}</span>
                <Badge tone={STATE_TONE[state]} testId="grant-state">
                  {t(`grants:state.${state}`)}
                </Badge>
              </div>
              <dl className="mt-1 grid grid-cols-[minmax(7rem,auto)_1fr] gap-x-3 text-sm">
                <dt className="font-bold">{t('grants:fields.groups')}</dt>
                <dd>{groupsText(t, g.fieldGroups)}</dd>
                <dt className="font-bold">{t('grants:fields.permissions')}</dt>
                <dd>{permissionsText(t, g.permissions)}</dd>
                <dt className="font-bold">{t('grants:fields.basis')}</dt>
                <dd>{basisText(t, g)}</dd>
                <dt className="font-bold">{t('grants:fields.validUntil')}</dt>
                <dd>{g.validUntil ? formatDateTime(g.validUntil, i18n.language) : t('grants:noEnd')}</dd>
                {g.revokedAt && (
                  <>
                    <dt className="font-bold">{t('grants:fields.revokedAt')}</dt>
                    <dd>
                      {formatDateTime(g.revokedAt, i18n.language)} {g.revokeReason && `（${g.revokeReason}）`}
                    </dd>
                  </>
                )}
              </dl>
              {state === 'active' || state === 'pending' ? <RevokeGrant grant={g} /> : null}
            </li>
          );
        })}
      </ul>
    </Panel>
  );
}

function RevokeGrant({ grant }: { grant: GrantJson }) {
  const { t } = useTranslation(['grants', 'common']);
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const revoke = useMutation({
    mutationFn: () => api.post<GrantJson>(`/recipients/${grant.recipientId}/grants/${grant.id}/revoke`, { reason }),
    onSuccess: () => {
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: queryKeys.grants(grant.recipientId) });
    },
  });
  if (!open) {
    return (
      <Button variant="secondary" className="mt-2" data-testid="grant-revoke" onClick={() => setOpen(true)}>
        {t('grants:revoke.open')}
      </Button>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim()) revoke.mutate();
  };
  return (
    <form onSubmit={submit} className="mt-2 flex flex-col gap-2" aria-label={t('grants:revoke.open')}>
      <TextField label={t('grants:revoke.reason')} data-testid="grant-revoke-reason" required value={reason} onChange={(e) => setReason(e.target.value)} />
      <ErrorAlert error={revoke.error ?? undefined} />
      <div className="flex gap-2">
        <Button type="submit" variant="danger" data-testid="grant-revoke-confirm" disabled={revoke.isPending || !reason.trim()}>
          {t('grants:revoke.confirm')}
        </Button>
        <Button variant="secondary" onClick={() => setOpen(false)}>
          {t('common:cancel')}
        </Button>
      </div>
    </form>
  );
}

function CreateGrant({ recipientId, onDone }: { recipientId: string; onDone: () => void }) {
  const { t } = useTranslation(['grants', 'common']);
  const me = useMe();
  const organisations = useOrganisations();
  const queryClient = useQueryClient();
  const consents = useQuery({
    queryKey: queryKeys.consents(recipientId),
    queryFn: ({ signal }) => api.get<Page<ConsentJson>>(`/recipients/${recipientId}/consents?limit=200`, signal),
  });
  const [org, setOrg] = useState('');
  const [groups, setGroups] = useState<string[]>(['basic']);
  const [permissions, setPermissions] = useState<string[]>(['notes.read']);
  const [basis, setBasis] = useState<string>('support_meeting');
  const [reference, setReference] = useState('');
  const [consentId, setConsentId] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [idempotencyKey] = useState(newIdempotencyKey);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post<GrantJson>(`/recipients/${recipientId}/grants`, body, { idempotencyKey }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.grants(recipientId) });
      onDone();
    },
  });
  const toggle = (list: string[], set: (v: string[]) => void, value: string) => (checked: boolean) =>
    set(checked ? [...list, value] : list.filter((v) => v !== value));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const until = parseValidUntil(validUntil);
    if (!org) return setProblem(t('grants:create.needOrg'));
    if (until === null) return setProblem(t('grants:create.badDate'));
    if (basis !== 'consent' && !reference.trim()) return setProblem(t('grants:create.needReference'));
    if (basis === 'consent' && !consentId) return setProblem(t('grants:create.needConsent'));
    setProblem(null);
    create.mutate({
      granteeOrganisationId: org,
      // The API requires `basic` in every grant: it is what identifies the person.
      fieldGroups: [...new Set(['basic', ...groups])],
      permissions,
      legalBasis: basis,
      ...(reference.trim() ? { basisReference: reference.trim() } : {}),
      ...(basis === 'consent' ? { consentId } : {}),
      ...(until ? { validUntil: until } : {}),
    });
  };
  const activeConsents = (consents.data?.items ?? []).filter((c) => !c.withdrawnAt);
  return (
    <form onSubmit={submit} className="mb-4 flex flex-col gap-3 rounded-8 border border-solid-gray-200 bg-solid-gray-50 p-3" aria-label={t('grants:create.title')}>
      <h3 className="font-bold">{t('grants:create.title')}</h3>
      <SelectField
        label={t('grants:fields.organisation')}
        data-testid="grant-org"
        value={org}
        onChange={(e) => setOrg(e.target.value)}
        options={[
          { value: '', label: t('grants:create.chooseOrg') },
          ...organisations.list.filter((o) => o.id !== me.organisation.id && o.active).map((o) => ({ value: o.id, label: o.name })),
        ]}
      />
      <fieldset>
        <legend className="font-bold">{t('grants:fields.groups')}</legend>
        <div className="flex flex-wrap gap-x-4">
          {FIELD_GROUPS.map((g) => (
            <Checkbox
              key={g}
              data-testid={`grant-group-${g}`}
              label={t(`common:fieldGroups.${g}`)}
              checked={groups.includes(g)}
              onChange={(e) => toggle(groups, setGroups, g)(e.target.checked)}
            />
          ))}
        </div>
        <p className="text-sm text-solid-gray-700">{t('grants:create.basicAlways')}</p>
      </fieldset>
      <fieldset>
        <legend className="font-bold">{t('grants:fields.permissions')}</legend>
        <div className="flex flex-wrap gap-x-4">
          {GRANT_PERMISSIONS.map((p) => (
            <Checkbox
              key={p}
              data-testid={`grant-perm-${p.replaceAll('.', '-')}`}
              label={t(`common:values.permission.${p}`)}
              checked={permissions.includes(p)}
              onChange={(e) => toggle(permissions, setPermissions, p)(e.target.checked)}
            />
          ))}
        </div>
      </fieldset>
      <SelectField
        label={t('grants:fields.basis')}
        data-testid="grant-basis"
        value={basis}
        onChange={(e) => setBasis(e.target.value)}
        options={LEGAL_BASES.map((b) => ({ value: b, label: t(`common:values.legalBasis.${b}`) }))}
      />
      {basis === 'consent' && (
        <SelectField
          label={t('grants:fields.consent')}
          data-testid="grant-consent"
          value={consentId}
          onChange={(e) => setConsentId(e.target.value)}
          options={[
            { value: '', label: t('grants:create.chooseConsent') },
            ...activeConsents.map((c) => ({ value: c.id, label: `${c.obtainedOn} ${c.purpose}` })),
          ]}
        />
      )}
      <TextField
        label={t('grants:fields.basisReference')}
        hint={t('grants:create.referenceHint')}
        data-testid="grant-basis-reference"
        value={reference}
        onChange={(e) => setReference(e.target.value)}
      />
      <TextField
        label={t('grants:fields.validUntil')}
        hint={t('grants:create.validUntilHint')}
        data-testid="grant-valid-until"
        value={validUntil}
        placeholder="2027-03-31"
        onChange={(e) => setValidUntil(e.target.value)}
      />
      <ErrorAlert error={create.error ?? undefined}>{problem ?? undefined}</ErrorAlert>
      <div className="flex gap-2">
        <Button type="submit" data-testid="grant-submit" disabled={create.isPending}>
          {t('grants:create.submit')}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          {t('common:cancel')}
        </Button>
      </div>
    </form>
  );
}
