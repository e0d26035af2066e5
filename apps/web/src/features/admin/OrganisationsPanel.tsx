import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ORGANISATION_KINDS, type OrganisationJson, type OrganisationKind } from '#libs/contracts/index.js';
import { api, newIdempotencyKey } from '../../shared/api/client';
import { useOrganisations } from '../../shared/api/organisations';
import { queryKeys } from '../../shared/api/query-keys';
import { Button } from '../../shared/ui/Button';
import { Badge, Dialog, ErrorAlert, Notice, Panel } from '../../shared/ui/feedback';
import { DialogActions, Target } from './admin-ui';
import { Checkbox, SelectField, TextField } from '../../shared/ui/fields';

/** system_admin: every organisation (name, kind, active), create and edit. */
export function OrganisationsPanel() {
  const { t } = useTranslation(['admin', 'common']);
  const organisations = useOrganisations();
  const [editing, setEditing] = useState<OrganisationJson | null>(null);
  return (
    <Panel title={t('admin:orgs.title')}>
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-sm" aria-label={t('admin:orgs.title')}>
          <thead className="bg-solid-gray-50 text-left">
            <tr>
              {(['name', 'kind', 'active', 'actions'] as const).map((c) => (
                <th key={c} scope="col" className="border-b border-solid-gray-200 px-3 py-2">
                  {t(`admin:orgs.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {organisations.list.map((o) => (
              <tr key={o.id} data-testid="org-row" data-org-id={o.id} className="border-b border-solid-gray-100">
                <th scope="row" className="px-3 py-2 text-left font-normal">
                  {o.name}
                </th>
                <td className="px-3 py-2">{t(`common:orgKinds.${o.kind}`)}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  {o.active ? <Badge tone="info">{t('admin:active')}</Badge> : <Badge tone="danger">{t('admin:inactive')}</Badge>}
                </td>
                <td className="px-3 py-2">
                  <Button variant="ghost" data-testid="org-edit" onClick={() => setEditing(o)}>
                    <Target text={t('admin:edit')} name={o.name} />
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <OrganisationCreateForm />
      {editing && <OrganisationEditDialog organisation={editing} onClose={() => setEditing(null)} />}
    </Panel>
  );
}

const kindOptions = (t: (key: string) => string) => ORGANISATION_KINDS.map((k) => ({ value: k, label: t(`common:orgKinds.${k}`) }));

function OrganisationCreateForm() {
  const { t } = useTranslation(['admin', 'common']);
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<OrganisationKind>('municipal_department');
  const [key, setKey] = useState(newIdempotencyKey);
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => api.post<OrganisationJson>('/organisations', { name: name.trim(), kind }, { idempotencyKey: key }),
    onSuccess: async (org) => {
      setCreated(org.name);
      setName('');
      setKey(newIdempotencyKey());
      await queryClient.invalidateQueries({ queryKey: queryKeys.organisations });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    if (name.trim()) create.mutate();
  };
  return (
    <form data-testid="org-create" onSubmit={submit} className="mt-4 flex flex-col gap-3 border-t border-solid-gray-200 pt-4" aria-labelledby="org-create-title">
      <h3 id="org-create-title" className="font-bold">
        {t('admin:orgs.create')}
      </h3>
      <div className="grid gap-3 md:grid-cols-2">
        <TextField label={t('admin:orgs.name')} data-testid="org-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        <SelectField
          label={t('admin:orgs.kind')}
          data-testid="org-kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as OrganisationKind)}
          options={kindOptions(t)}
        />
      </div>
      <ErrorAlert error={create.error} />
      {created && <Notice tone="success">{t('admin:orgs.created', { name: created })}</Notice>}
      <div>
        <Button type="submit" data-testid="org-submit" disabled={create.isPending}>
          {t('admin:orgs.submit')}
        </Button>
      </div>
    </form>
  );
}

function OrganisationEditDialog({ organisation, onClose }: { organisation: OrganisationJson; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const queryClient = useQueryClient();
  const [name, setName] = useState(organisation.name);
  const [kind, setKind] = useState<OrganisationKind>(organisation.kind);
  const [active, setActive] = useState(organisation.active);
  const save = useMutation({
    mutationFn: () => api.patch<OrganisationJson>(`/organisations/${organisation.id}`, { name: name.trim(), kind, active }, organisation.version),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.organisations });
      onClose();
    },
  });
  return (
    <Dialog open title={t('admin:orgs.editTitle', { name: organisation.name })} onClose={onClose} testId="org-edit-dialog">
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) save.mutate();
        }}
      >
        <TextField label={t('admin:orgs.name')} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        <SelectField label={t('admin:orgs.kind')} value={kind} onChange={(e) => setKind(e.target.value as OrganisationKind)} options={kindOptions(t)} />
        <Checkbox label={t('admin:orgs.activeToggle')} checked={active} onChange={(e) => setActive(e.target.checked)} />
        {!active && organisation.active && <Notice tone="warning">{t('admin:orgs.deactivateWarning')}</Notice>}
        <ErrorAlert error={save.error} />
        <DialogActions label={t('common:save')} testId="org-save" pending={save.isPending} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
