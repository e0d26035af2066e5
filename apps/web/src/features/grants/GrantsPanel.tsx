import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FIELD_GROUPS, GRANT_PERMISSIONS, type GrantJson, LEGAL_BASES } from '#libs/contracts/index.js';
import { api } from '../../shared/api/client';
import { useOrganisations } from '../../shared/api/organisations';
import { queryKeys } from '../../shared/api/query-keys';
import { Button } from '../../shared/ui/Button';
import { Badge } from '../../shared/ui/feedback';
import { SelectField, TextField } from '../../shared/ui/fields';
import { ListPanelWithCreate, ReasonForm } from '../../shared/ui/forms';
import { CheckboxSet, CreateForm, useCreateOnRecipient, useOtherOrganisations } from './form-parts';
import { GrantDetails } from './GrantDetails';
import { grantState, parseValidUntil } from './grant-time';
import { useConsents, useGrants } from './queries';

const STATE_TONE = { active: 'info', pending: 'neutral', expired: 'neutral', revoked: 'danger' } as const;

/** The lead organisation's grants on this recipient: create (with legal basis), list with state, revoke with a reason. */
export function GrantsPanel({ recipientId }: { recipientId: string }) {
  const { t } = useTranslation(['grants', 'common']);
  const organisations = useOrganisations();
  const grants = useGrants(recipientId);
  return (
    <ListPanelWithCreate
      title={t('grants:title')}
      testId="grants-panel"
      openLabel={t('grants:create.open')}
      openTestId="grant-create"
      form={(onDone) => <CreateGrant recipientId={recipientId} onDone={onDone} />}
      error={grants.error}
      empty={grants.data?.items.length === 0}
      emptyText={t('grants:empty')}
    >
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
              <GrantDetails grant={g} />
              {state === 'active' || state === 'pending' ? <RevokeGrant grant={g} /> : null}
            </li>
          );
        })}
      </ul>
    </ListPanelWithCreate>
  );
}

function RevokeGrant({ grant }: { grant: GrantJson }) {
  const { t } = useTranslation(['grants', 'common']);
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const revoke = useMutation({
    mutationFn: (reason: string) => api.post<GrantJson>(`/recipients/${grant.recipientId}/grants/${grant.id}/revoke`, { reason }),
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
  return (
    <ReasonForm
      title={t('grants:revoke.open')}
      reasonLabel={t('grants:revoke.reason')}
      confirmLabel={t('grants:revoke.confirm')}
      testIds={{ reason: 'grant-revoke-reason', confirm: 'grant-revoke-confirm' }}
      pending={revoke.isPending}
      error={revoke.error}
      onConfirm={(reason) => revoke.mutate(reason)}
      onCancel={() => setOpen(false)}
    />
  );
}

function CreateGrant({ recipientId, onDone }: { recipientId: string; onDone: () => void }) {
  const { t } = useTranslation(['grants', 'common']);
  const others = useOtherOrganisations();
  const consents = useConsents(recipientId);
  const [org, setOrg] = useState('');
  const [groups, setGroups] = useState<string[]>(['basic']);
  const [permissions, setPermissions] = useState<string[]>([]);
  const [basis, setBasis] = useState<string>('support_meeting');
  const [reference, setReference] = useState('');
  const [consentId, setConsentId] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const create = useCreateOnRecipient<GrantJson>(`/recipients/${recipientId}/grants`, queryKeys.grants(recipientId), onDone);
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
    <CreateForm
      title={t('grants:create.title')}
      onSubmit={submit}
      problem={problem}
      error={create.error}
      submitLabel={t('grants:create.submit')}
      submitTestId="grant-submit"
      pending={create.isPending}
      onCancel={onDone}
    >
      <SelectField
        label={t('grants:fields.organisation')}
        data-testid="grant-org"
        value={org}
        onChange={(e) => setOrg(e.target.value)}
        options={[{ value: '', label: t('grants:create.chooseOrg') }, ...others.map((o) => ({ value: o.id, label: o.name }))]}
      />
      <CheckboxSet
        legend={t('grants:fields.groups')}
        options={FIELD_GROUPS.map((g) => ({ value: g, label: t(`common:fieldGroups.${g}`), testId: `grant-group-${g}` }))}
        selected={groups}
        onChange={setGroups}
      >
        <p className="text-sm text-solid-gray-700">{t('grants:create.basicAlways')}</p>
      </CheckboxSet>
      <CheckboxSet
        legend={t('grants:fields.permissions')}
        options={GRANT_PERMISSIONS.map((p) => ({ value: p, label: t(`common:values.permission.${p}`), testId: `grant-perm-${p.replaceAll('.', '-')}` }))}
        selected={permissions}
        onChange={setPermissions}
      />
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
    </CreateForm>
  );
}
