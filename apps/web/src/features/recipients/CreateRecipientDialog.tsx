import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { RECIPIENT_STATUSES, type RecipientJson, SEXES, SUPPORT_CATEGORIES } from '#libs/contracts/index.js';
import { api, newIdempotencyKey } from '../../shared/api/client';
import { queryKeys } from '../../shared/api/query-keys';
import { Button } from '../../shared/ui/Button';
import { Dialog, ErrorAlert } from '../../shared/ui/feedback';
import { Checkbox, SelectField, TextField } from '../../shared/ui/fields';

const EMPTY = { familyName: '', givenName: '', familyNameKana: '', givenNameKana: '', birthDate: '', sex: 'unknown', status: 'intake', caseNumber: '' };

/** Opening a record (lead-capable organisations): the caller's organisation becomes its lead. */
export function CreateRecipientDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation(['recipients', 'common']);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const [categories, setCategories] = useState<string[]>([]);
  // One key per filled-in form: a retry after a lost answer cannot open the record twice.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const create = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = { familyName: form.familyName, givenName: form.givenName, sex: form.sex, status: form.status };
      for (const f of ['familyNameKana', 'givenNameKana', 'birthDate', 'caseNumber'] as const) if (form[f]) body[f] = form[f];
      if (categories.length) body.supportCategories = categories;
      return api.post<RecipientJson>('/recipients', body, { idempotencyKey });
    },
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.recipientLists });
      setForm(EMPTY);
      setCategories([]);
      setIdempotencyKey(newIdempotencyKey());
      onClose();
      void navigate(`/recipients/${created.id}`);
    },
  });
  const set = (field: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Dialog open={open} onClose={onClose} title={t('recipients:create.title')} testId="recipient-create-dialog">
      <form onSubmit={submit} className="grid gap-3 md:grid-cols-2">
        <TextField label={t('common:fields.familyName')} data-testid="input-familyName" required value={form.familyName} onChange={set('familyName')} />
        <TextField label={t('common:fields.givenName')} data-testid="input-givenName" required value={form.givenName} onChange={set('givenName')} />
        <TextField label={t('common:fields.familyNameKana')} data-testid="input-familyNameKana" value={form.familyNameKana} onChange={set('familyNameKana')} />
        <TextField label={t('common:fields.givenNameKana')} data-testid="input-givenNameKana" value={form.givenNameKana} onChange={set('givenNameKana')} />
        <TextField label={t('common:fields.birthDate')} type="date" data-testid="input-birthDate" value={form.birthDate} onChange={set('birthDate')} />
        <SelectField
          label={t('common:fields.sex')}
          data-testid="input-sex"
          value={form.sex}
          onChange={set('sex')}
          options={SEXES.map((s) => ({ value: s, label: t(`common:values.sex.${s}`) }))}
        />
        <SelectField
          label={t('common:fields.status')}
          data-testid="input-status"
          value={form.status}
          onChange={set('status')}
          options={RECIPIENT_STATUSES.map((s) => ({ value: s, label: t(`common:values.status.${s}`) }))}
        />
        <TextField label={t('common:fields.caseNumber')} hint={t('recipients:create.caseNumberHint')} data-testid="input-caseNumber" value={form.caseNumber} onChange={set('caseNumber')} />
        <fieldset className="md:col-span-2">
          <legend className="font-bold">{t('common:fields.supportCategories')}</legend>
          <div className="flex flex-wrap gap-x-4">
            {SUPPORT_CATEGORIES.map((c) => (
              <Checkbox
                key={c}
                label={t(`common:values.supportCategories.${c}`)}
                checked={categories.includes(c)}
                onChange={(e) => setCategories((all) => (e.target.checked ? [...all, c] : all.filter((x) => x !== c)))}
              />
            ))}
          </div>
        </fieldset>
        <div className="md:col-span-2">
          <ErrorAlert error={create.error} />
        </div>
        <div className="flex justify-end gap-2 md:col-span-2">
          <Button variant="secondary" onClick={onClose}>
            {t('common:cancel')}
          </Button>
          <Button type="submit" data-testid="recipient-create-submit" disabled={create.isPending}>
            {t('recipients:create.submit')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
