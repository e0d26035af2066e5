import { type InfiniteData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONTACT_TYPES, NOTE_SENSITIVITIES, type NoteJson, type Page, type RecipientJson } from '#libs/contracts/index.js';
import { ApiError, api, newIdempotencyKey, query } from '../../shared/api/client';
import { queryKeys } from '../../shared/api/query-keys';
import { fromTokyoInput, toTokyoInput } from '../../shared/format/wareki';
import { upsertNote } from '../../shared/live/live-reducer';
import { Button } from '../../shared/ui/Button';
import { ErrorAlert, Notice, Panel } from '../../shared/ui/feedback';
import { SelectField, TextArea, TextField } from '../../shared/ui/fields';
import { NoteItem } from './NoteItem';

export interface NoteDraft {
  contactType: string;
  occurredAt: string;
  sensitivity: string;
  title: string;
  counterpart: string;
  body: string;
}

export const emptyDraft = (): NoteDraft => ({
  contactType: 'visit',
  occurredAt: toTokyoInput(new Date()),
  sensitivity: 'normal',
  title: '',
  counterpart: '',
  body: '',
});

export function draftToBody(d: NoteDraft) {
  return {
    contactType: d.contactType,
    occurredAt: fromTokyoInput(d.occurredAt),
    sensitivity: d.sensitivity,
    body: d.body,
    ...(d.title ? { title: d.title } : {}),
    ...(d.counterpart ? { counterpart: d.counterpart } : {}),
  };
}

/** The notes timeline (newest first, retracted notes shown as such) with the compose form. */
export function NotesPanel({ recipientId, access, isLead }: { recipientId: string; access: RecipientJson['access']; isLead: boolean }) {
  const { t } = useTranslation(['notes', 'common']);
  const canRead = isLead || access.permissions.includes('notes.read');
  const canWrite = isLead || access.permissions.includes('notes.write');
  const notes = useInfiniteQuery({
    queryKey: queryKeys.notes(recipientId),
    enabled: canRead,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<NoteJson>>(`/recipients/${recipientId}/notes${query({ includeRetracted: true, limit: 20, cursor: pageParam })}`, signal),
    getNextPageParam: (last) => last.nextCursor,
  });
  const fresh = useQuery({ queryKey: queryKeys.newNotes(recipientId), queryFn: () => [] as string[], initialData: [], staleTime: Infinity });
  const items = notes.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Panel title={t('notes:title')} testId="notes-panel">
      <div className="flex flex-col gap-4">
        {canWrite && <Compose recipientId={recipientId} />}
        {!canRead && <Notice>{t('notes:noReadAccess')}</Notice>}
        {canRead && <ErrorAlert error={notes.error ?? undefined} />}
        {canRead && !notes.isPending && items.length === 0 && <p>{t('notes:empty')}</p>}
        <ol className="flex flex-col gap-3" aria-label={t('notes:timeline')}>
          {items.map((note) => (
            <NoteItem key={note.id} note={note} isNew={fresh.data.includes(note.id)} />
          ))}
        </ol>
        {notes.hasNextPage && (
          <div>
            <Button variant="secondary" onClick={() => void notes.fetchNextPage()} disabled={notes.isFetchingNextPage}>
              {t('notes:more')}
            </Button>
          </div>
        )}
      </div>
    </Panel>
  );
}

/** The compose form. What was typed stays through a failed send, a reconnect and a live update of the timeline. */
function Compose({ recipientId }: { recipientId: string }) {
  const { t } = useTranslation(['notes', 'common']);
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<NoteDraft>(emptyDraft);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [sent, setSent] = useState(false);
  const send = useMutation({
    mutationFn: () => api.post<NoteJson>(`/recipients/${recipientId}/notes`, draftToBody(draft), { idempotencyKey }),
    onSuccess: (note) => {
      queryClient.setQueryData<InfiniteData<Page<NoteJson>>>(queryKeys.notes(recipientId), (old) => upsertNote(old, note));
      setDraft(emptyDraft());
      setIdempotencyKey(newIdempotencyKey());
      setSent(true);
    },
    onError: (error) => {
      // A changed body after a refusal is a new request; a plain retry (offline, 5xx) reuses the key.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) setIdempotencyKey(newIdempotencyKey());
    },
  });
  const set = (field: keyof NoteDraft) => (e: { target: { value: string } }) => {
    setSent(false);
    setDraft((d) => ({ ...d, [field]: e.target.value }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft.body.trim()) return;
    send.mutate();
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-3 rounded-8 border border-solid-gray-200 bg-solid-gray-50 p-3" aria-label={t('notes:compose')}>
      <h3 className="font-bold">{t('notes:compose')}</h3>
      <div className="grid gap-3 md:grid-cols-3">
        <SelectField
          label={t('notes:contactType')}
          data-testid="note-contact-type"
          value={draft.contactType}
          onChange={set('contactType')}
          options={CONTACT_TYPES.map((c) => ({ value: c, label: t(`common:values.contactType.${c}`) }))}
        />
        <TextField label={t('notes:occurredAt')} hint={t('notes:jst')} type="datetime-local" data-testid="note-occurred-at" value={draft.occurredAt} onChange={set('occurredAt')} />
        <SelectField
          label={t('notes:sensitivity')}
          data-testid="note-sensitivity"
          value={draft.sensitivity}
          onChange={set('sensitivity')}
          options={NOTE_SENSITIVITIES.map((s) => ({ value: s, label: t(`common:values.sensitivity.${s}`) }))}
        />
      </div>
      <div className="grid gap-3 md:grid-cols-2">
        <TextField label={t('notes:noteTitle')} data-testid="note-title" value={draft.title} onChange={set('title')} maxLength={200} />
        <TextField label={t('notes:counterpart')} data-testid="note-counterpart" value={draft.counterpart} onChange={set('counterpart')} maxLength={200} />
      </div>
      <TextArea label={t('notes:body')} data-testid="note-body" rows={4} required value={draft.body} onChange={set('body')} />
      <ErrorAlert error={send.error ?? undefined} />
      {sent && <p role="status" className="text-success-2 font-bold">{t('notes:sent')}</p>}
      <div>
        <Button type="submit" data-testid="note-submit" disabled={send.isPending || !draft.body.trim()}>
          {send.isPending ? t('notes:sending') : t('notes:submit')}
        </Button>
      </div>
    </form>
  );
}
