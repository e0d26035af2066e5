import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RECIPIENT_FIELD_GROUP, type RecipientField, type RecipientJson } from '#libs/contracts/index.js';
import { ApiError, api } from '../../shared/api/client';
import { useOrganisations } from '../../shared/api/organisations';
import { Button } from '../../shared/ui/Button';
import { Dialog, ErrorAlert, Notice } from '../../shared/ui/feedback';
import { type ConflictMerge, mergeConflict, mergePatch, type Values } from './conflict';
import { FieldInput } from './FieldInput';
import { displayValue } from './recipient-values';

const pick = (record: Values, fields: readonly string[]): Values =>
  Object.fromEntries(fields.filter((f) => f in record).map((f) => [f, record[f] ?? null]));

/**
 * Edit mode over the readable, writable groups. The save is a JSON Merge Patch of the changed fields with
 * `If-Match: "<version the edit started from>"`; a 412 opens the conflict dialog. The draft is kept through any error.
 */
export function RecipientEditor({
  record,
  writableFields,
  onDone,
}: {
  record: RecipientJson;
  writableFields: RecipientField[];
  onDone: (saved?: RecipientJson) => void;
}) {
  const { t, i18n } = useTranslation(['recipients', 'common']);
  const organisations = useOrganisations();
  const [base, setBase] = useState<RecipientJson>(record);
  const [draft, setDraft] = useState<Values>(() => pick(record, writableFields));
  const [conflict, setConflict] = useState<(ConflictMerge & { current: RecipientJson }) | null>(null);

  const save = useMutation({
    mutationFn: () => api.patch<RecipientJson>(`/recipients/${record.id}`, mergePatch(base, draft, writableFields), base.version),
    onSuccess: (saved) => onDone(saved),
    onError: async (error) => {
      if (!(error instanceof ApiError) || error.status !== 412) return;
      try {
        const current = await api.get<RecipientJson>(`/recipients/${record.id}`);
        setConflict({ ...mergeConflict(base, draft, current, writableFields), current });
      } catch {
        // the alert below says why the save failed; the draft stays
      }
    },
  });

  const reapply = () => {
    if (!conflict) return;
    setBase(conflict.current);
    setDraft(pick(conflict.merged, writableFields));
    setConflict(null);
    save.reset();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const groups = [...new Set(writableFields.map((f) => RECIPIENT_FIELD_GROUP[f]))];
  const show = (field: string, value: unknown) => displayValue(field, value, t, i18n.language, organisations.name);

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" aria-label={t('recipients:edit.title')}>
      <Notice>{t('recipients:edit.intro')}</Notice>
      <div className="grid gap-4 lg:grid-cols-2">
        {groups.map((group) => (
          <fieldset key={group} data-testid={`field-group-${group}`} className="flex flex-col gap-3 rounded-12 border border-solid-gray-200 bg-white p-4 shadow-1">
            <legend className="px-1 text-lg font-bold">{t(`common:fieldGroups.${group}`)}</legend>
            {writableFields
              .filter((f) => RECIPIENT_FIELD_GROUP[f] === group)
              .map((field) => (
                <FieldInput key={field} field={field} value={draft[field]} onChange={(value) => setDraft((d) => ({ ...d, [field]: value }))} />
              ))}
          </fieldset>
        ))}
      </div>
      {save.error && !(save.error instanceof ApiError && save.error.status === 412 && conflict) && <ErrorAlert error={save.error} />}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={() => onDone()}>
          {t('common:cancel')}
        </Button>
        <Button type="submit" data-testid="recipient-save" disabled={save.isPending}>
          {save.isPending ? t('recipients:edit.saving') : t('common:save')}
        </Button>
      </div>

      <Dialog open={conflict !== null} onClose={() => setConflict(null)} title={t('recipients:conflict.title')} testId="conflict-dialog">
        {conflict && (
          <>
            <p>{t('recipients:conflict.body')}</p>
            {conflict.theirs.length > 0 ? (
              <table className="w-full text-left">
                <caption className="sr-only">{t('recipients:conflict.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="border-b py-1">{t('recipients:conflict.field')}</th>
                    <th scope="col" className="border-b py-1">{t('recipients:conflict.newValue')}</th>
                  </tr>
                </thead>
                <tbody>
                  {conflict.theirs.map(({ field, value }) => (
                    <tr key={field} data-testid="conflict-change" data-field={field}>
                      <th scope="row" className="py-1 pr-3 font-bold">
                        {t(`common:fields.${field}`)}
                        {conflict.clashes.includes(field) && <span className="ml-2 text-error-2">{t('recipients:conflict.clash')}</span>}
                      </th>
                      <td className="py-1">{show(field, value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p>{t('recipients:conflict.noReadableChanges')}</p>
            )}
            <p className="text-sm">{t('recipients:conflict.reapplyHint')}</p>
            <div className="flex justify-end gap-2">
              <Button data-testid="conflict-reload" onClick={reapply}>
                {t('recipients:conflict.reload')}
              </Button>
            </div>
          </>
        )}
      </Dialog>
    </form>
  );
}
