import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONSENT_METHODS, CONSENT_SIGNATORIES, type ConsentJson, FIELD_GROUPS } from '#libs/contracts/index.js';
import { api } from '../../shared/api/client';
import { useOrganisations } from '../../shared/api/organisations';
import { queryKeys } from '../../shared/api/query-keys';
import { formatDate, formatDateTime, tokyoParts } from '../../shared/format/wareki';
import { Button } from '../../shared/ui/Button';
import { Badge } from '../../shared/ui/feedback';
import { SelectField, TextField } from '../../shared/ui/fields';
import { ListPanelWithCreate } from '../../shared/ui/forms';
import { CheckboxSet, CreateForm, useCreateOnRecipient, useOtherOrganisations } from './form-parts';
import { groupsText } from './grant-labels';
import { parseValidUntil } from './grant-time';
import { useConsents } from './queries';

/** 本人同意: record, list, withdraw (which revokes every grant resting on the consent). Lead organisation only. */
export function ConsentsPanel({ recipientId }: { recipientId: string }) {
  const { t, i18n } = useTranslation(['grants', 'common']);
  const organisations = useOrganisations();
  const queryClient = useQueryClient();
  const consents = useConsents(recipientId);
  const withdraw = useMutation({
    mutationFn: (consentId: string) => api.post<ConsentJson>(`/recipients/${recipientId}/consents/${consentId}/withdraw`, {}),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.consents(recipientId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.grants(recipientId) });
    },
  });
  return (
    <ListPanelWithCreate
      title={t('grants:consents.title')}
      testId="consents-panel"
      openLabel={t('grants:consents.open')}
      openTestId="consent-create"
      form={(onDone) => <CreateConsent recipientId={recipientId} onDone={onDone} />}
      error={consents.error ?? withdraw.error}
      empty={consents.data?.items.length === 0}
      emptyText={t('grants:consents.empty')}
    >
      <ul className="flex flex-col gap-3">
        {(consents.data?.items ?? []).map((c) => (
          <li key={c.id} data-testid="consent-row" data-consent-id={c.id} className="rounded-8 border border-solid-gray-200 p-3">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-bold">{c.purpose}</span>
              <Badge tone={c.withdrawnAt ? 'danger' : 'info'}>{c.withdrawnAt ? t('grants:consents.withdrawn') : t('grants:consents.active')}</Badge>
            </div>
            <dl className="mt-1 grid grid-cols-[minmax(7rem,auto)_1fr] gap-x-3 text-sm">
              <dt className="font-bold">{t('grants:consents.organisations')}</dt>
              <dd>{c.organisationIds.map((id) => organisations.name(id)).join('、')}</dd>
              <dt className="font-bold">{t('grants:fields.groups')}</dt>
              <dd>{groupsText(t, c.fieldGroups)}</dd>
              <dt className="font-bold">{t('grants:consents.obtainedOn')}</dt>
              <dd>
                {formatDate(c.obtainedOn, i18n.language)} · {t(`common:values.consentMethod.${c.method}`)} · {t(`common:values.signatory.${c.signatory}`)}
                {c.proxyRelationship && `（${c.proxyRelationship}）`}
              </dd>
              <dt className="font-bold">{t('grants:fields.validUntil')}</dt>
              <dd>{c.validUntil ? formatDateTime(c.validUntil, i18n.language) : t('grants:noEnd')}</dd>
            </dl>
            {!c.withdrawnAt && (
              <Button variant="secondary" className="mt-2" data-testid="consent-withdraw" disabled={withdraw.isPending} onClick={() => withdraw.mutate(c.id)}>
                {t('grants:consents.withdraw')}
              </Button>
            )}
          </li>
        ))}
      </ul>
    </ListPanelWithCreate>
  );
}

function CreateConsent({ recipientId, onDone }: { recipientId: string; onDone: () => void }) {
  const { t } = useTranslation(['grants', 'common']);
  const others = useOtherOrganisations();
  const [orgs, setOrgs] = useState<string[]>([]);
  const [groups, setGroups] = useState<string[]>(['basic']);
  const [purpose, setPurpose] = useState('');
  const [obtainedOn, setObtainedOn] = useState(() => tokyoParts(new Date()).date);
  const [method, setMethod] = useState<string>('written');
  const [signatory, setSignatory] = useState<string>('self');
  const [proxyRelationship, setProxyRelationship] = useState('');
  const [documentReference, setDocumentReference] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const create = useCreateOnRecipient<ConsentJson>(`/recipients/${recipientId}/consents`, queryKeys.consents(recipientId), onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const until = parseValidUntil(validUntil);
    if (orgs.length === 0 || !purpose.trim()) return setProblem(t('grants:consents.needOrgAndPurpose'));
    if (until === null) return setProblem(t('grants:create.badDate'));
    setProblem(null);
    create.mutate({
      organisationIds: orgs,
      fieldGroups: [...new Set(['basic', ...groups])],
      purpose: purpose.trim(),
      obtainedOn,
      method,
      signatory,
      ...(signatory === 'proxy' ? { proxyRelationship } : {}),
      ...(documentReference ? { documentReference } : {}),
      ...(until ? { validUntil: until } : {}),
    });
  };
  return (
    <CreateForm
      title={t('grants:consents.open')}
      onSubmit={submit}
      problem={problem}
      error={create.error}
      submitLabel={t('grants:consents.submit')}
      submitTestId="consent-submit"
      pending={create.isPending}
      onCancel={onDone}
    >
      <CheckboxSet
        legend={t('grants:consents.organisations')}
        options={others.map((o) => ({ value: o.id, label: o.name, testId: `consent-org-${o.id}` }))}
        selected={orgs}
        onChange={setOrgs}
        scroll
      />
      <CheckboxSet
        legend={t('grants:fields.groups')}
        options={FIELD_GROUPS.map((g) => ({ value: g, label: t(`common:fieldGroups.${g}`), testId: `consent-group-${g}` }))}
        selected={groups}
        onChange={setGroups}
      />
      <TextField label={t('grants:consents.purpose')} data-testid="consent-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} />
      <div className="grid gap-3 md:grid-cols-3">
        <TextField label={t('grants:consents.obtainedOn')} type="date" data-testid="consent-obtained-on" value={obtainedOn} onChange={(e) => setObtainedOn(e.target.value)} />
        <SelectField
          label={t('grants:consents.method')}
          data-testid="consent-method"
          value={method}
          onChange={(e) => setMethod(e.target.value)}
          options={CONSENT_METHODS.map((m) => ({ value: m, label: t(`common:values.consentMethod.${m}`) }))}
        />
        <SelectField
          label={t('grants:consents.signatory')}
          data-testid="consent-signatory"
          value={signatory}
          onChange={(e) => setSignatory(e.target.value)}
          options={CONSENT_SIGNATORIES.map((s) => ({ value: s, label: t(`common:values.signatory.${s}`) }))}
        />
      </div>
      {signatory === 'proxy' && (
        <TextField label={t('grants:consents.proxyRelationship')} value={proxyRelationship} onChange={(e) => setProxyRelationship(e.target.value)} />
      )}
      <TextField label={t('grants:consents.documentReference')} value={documentReference} onChange={(e) => setDocumentReference(e.target.value)} />
      <TextField label={t('grants:fields.validUntil')} hint={t('grants:create.validUntilHint')} value={validUntil} onChange={(e) => setValidUntil(e.target.value)} />
    </CreateForm>
  );
}
