import { type InfiniteData, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONTACT_TYPES, NOTE_SENSITIVITIES, type NoteJson, type Page } from '#libs/contracts/index.js';
import { api } from '../../shared/api/client';
import { useOrganisations } from '../../shared/api/organisations';
import { queryKeys } from '../../shared/api/query-keys';
import { formatDateTime, fromTokyoInput, toTokyoInput } from '../../shared/format/wareki';
import { upsertNote } from '../../shared/live/live-reducer';
import { useMe } from '../../shared/session/session';
import { Button } from '../../shared/ui/Button';
import { Badge, ErrorAlert } from '../../shared/ui/feedback';
import { SelectField, TextArea, TextField } from '../../shared/ui/fields';
import { FormActions, ReasonForm } from '../../shared/ui/forms';

const SENSITIVITY_TONE = { normal: 'neutral', sensitive: 'warning', author_org_only: 'danger' } as const;

/** One note of the timeline: its marks (new, edited, retracted), and for its author edit and retract. */
export function NoteItem({ note, isNew }: { note: NoteJson; isNew: boolean }) {
  const { t, i18n } = useTranslation(['notes', 'common']);
  const me = useMe();
  const organisations = useOrganisations();
  const [mode, setMode] = useState<'view' | 'edit' | 'retract'>('view');
  const own = note.authorUserId === me.user.id;
  const retracted = Boolean(note.retractedAt);
  return (
    <li
      data-testid="note-item"
      data-note-id={note.id}
      data-new={isNew || undefined}
      className={`rounded-8 border p-3 ${isNew ? 'border-2 border-blue-900 bg-blue-50' : 'border-solid-gray-200 bg-white'} ${retracted ? 'opacity-80' : ''}`}
    >
      <div className="mb-1 flex flex-wrap items-center gap-2 text-sm">
        {isNew && <Badge tone="info" testId="note-new">{t('notes:new')}</Badge>}
        <Badge tone={SENSITIVITY_TONE[note.sensitivity]} testId="note-sensitivity-badge">
          {t(`common:values.sensitivity.${note.sensitivity}`)}
        </Badge>
        <span className="font-bold">{t(`common:values.contactType.${note.contactType}`)}</span>
        <span>{formatDateTime(note.occurredAt, i18n.language)}</span>
        <span className="text-solid-gray-700">{organisations.name(note.authorOrganisationId)}</span>
        {note.version > 1 && !retracted && <Badge testId="note-edited">{t('notes:edited')}</Badge>}
        {retracted && <Badge tone="danger" testId="note-retracted">{t('notes:retracted')}</Badge>}
      </div>
      {mode === 'edit' ? (
        <EditNote note={note} onDone={() => setMode('view')} />
      ) : (
        <>
          {note.title && <h4 className="font-bold">{note.title}</h4>}
          {note.counterpart && <p className="text-sm text-solid-gray-700">{t('notes:counterpartIs', { counterpart: note.counterpart })}</p>}
          <p className={`whitespace-pre-wrap break-words ${retracted ? 'line-through' : ''}`} data-testid="note-text">
            {note.body}
          </p>
          {retracted && note.retractReason && <p className="mt-1 text-sm">{t('notes:retractReason', { reason: note.retractReason })}</p>}
          {mode === 'retract' && <RetractNote note={note} onDone={() => setMode('view')} />}
          {own && !retracted && mode === 'view' && (
            <div className="mt-2 flex gap-2">
              <Button variant="secondary" data-testid="note-edit" onClick={() => setMode('edit')}>
                {t('notes:edit')}
              </Button>
              <Button variant="secondary" data-testid="note-retract" onClick={() => setMode('retract')}>
                {t('notes:retract')}
              </Button>
            </div>
          )}
        </>
      )}
    </li>
  );
}

function useStoreNote(recipientId: string) {
  const queryClient = useQueryClient();
  return (saved: NoteJson) =>
    queryClient.setQueryData<InfiniteData<Page<NoteJson>>>(queryKeys.notes(recipientId), (old) => upsertNote(old, saved));
}

function EditNote({ note, onDone }: { note: NoteJson; onDone: () => void }) {
  const { t } = useTranslation(['notes', 'common']);
  const store = useStoreNote(note.recipientId);
  const [draft, setDraft] = useState({
    contactType: note.contactType as string,
    occurredAt: toTokyoInput(note.occurredAt),
    sensitivity: note.sensitivity as string,
    title: note.title ?? '',
    body: note.body,
  });
  const save = useMutation({
    mutationFn: () =>
      api.patch<NoteJson>(
        `/recipients/${note.recipientId}/notes/${note.id}`,
        { ...draft, occurredAt: fromTokyoInput(draft.occurredAt), title: draft.title || null },
        note.version,
      ),
    onSuccess: (saved) => {
      store(saved);
      onDone();
    },
  });
  const set = (field: keyof typeof draft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-3" aria-label={t('notes:edit')}>
      <div className="grid gap-3 md:grid-cols-3">
        <SelectField
          label={t('notes:contactType')}
          value={draft.contactType}
          onChange={set('contactType')}
          options={CONTACT_TYPES.map((c) => ({ value: c, label: t(`common:values.contactType.${c}`) }))}
        />
        <TextField label={t('notes:occurredAt')} type="datetime-local" value={draft.occurredAt} onChange={set('occurredAt')} />
        <SelectField
          label={t('notes:sensitivity')}
          value={draft.sensitivity}
          onChange={set('sensitivity')}
          options={NOTE_SENSITIVITIES.map((s) => ({ value: s, label: t(`common:values.sensitivity.${s}`) }))}
        />
      </div>
      <TextField label={t('notes:noteTitle')} value={draft.title} onChange={set('title')} />
      <TextArea label={t('notes:body')} data-testid="note-edit-body" rows={4} value={draft.body} onChange={set('body')} />
      <ErrorAlert error={save.error ?? undefined} />
      <FormActions submitLabel={t('common:save')} submitTestId="note-edit-save" pending={save.isPending} onCancel={onDone} />
    </form>
  );
}

function RetractNote({ note, onDone }: { note: NoteJson; onDone: () => void }) {
  const { t } = useTranslation(['notes', 'common']);
  const store = useStoreNote(note.recipientId);
  const retract = useMutation({
    mutationFn: (reason: string) => api.post<NoteJson>(`/recipients/${note.recipientId}/notes/${note.id}/retract`, { reason }),
    onSuccess: (saved) => {
      store(saved);
      onDone();
    },
  });
  return (
    <ReasonForm
      title={t('notes:retract')}
      reasonLabel={t('notes:retractReasonLabel')}
      confirmLabel={t('notes:retractConfirm')}
      testIds={{ reason: 'note-retract-reason', confirm: 'note-retract-confirm' }}
      pending={retract.isPending}
      error={retract.error}
      onConfirm={(reason) => retract.mutate(reason)}
      onCancel={onDone}
    />
  );
}
