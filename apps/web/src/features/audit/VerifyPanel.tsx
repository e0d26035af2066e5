import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VerifyJobJson } from '#libs/contracts/index.js';
import { api } from '../../shared/api/client';
import { queryKeys } from '../../shared/api/query-keys';
import { formatDateTime } from '../../shared/format/wareki';
import { Button } from '../../shared/ui/Button';
import { ErrorAlert, Panel } from '../../shared/ui/feedback';
import { Checkbox } from '../../shared/ui/fields';

const POLL_MS = 500;

/** Chain verification: started as a job, its progress polled, then the result (intact, or the first broken event). */
export function VerifyPanel() {
  const { t, i18n } = useTranslation('audit');
  const [full, setFull] = useState(false);
  const start = useMutation({
    mutationFn: () => api.post<VerifyJobJson>('/audit-events/verify-jobs', { mode: full ? 'full' : 'incremental' }),
  });
  const jobId = start.data?.id;
  const job = useQuery({
    queryKey: queryKeys.auditVerifyJob(jobId ?? ''),
    enabled: Boolean(jobId),
    queryFn: ({ signal }) => api.get<VerifyJobJson>(`/audit-events/verify-jobs/${jobId}`, signal),
    initialData: start.data,
    refetchInterval: (q) => (q.state.data?.state === 'running' ? POLL_MS : false),
  });
  const current = jobId ? job.data : undefined;
  const running = start.isPending || current?.state === 'running';

  return (
    <Panel title={t('verify.title')}>
      <p className="mb-3 text-sm">{t('verify.explain')}</p>
      <div className="flex flex-wrap items-center gap-4">
        <Button data-testid="audit-verify" disabled={running} onClick={() => start.mutate()}>
          {running ? t('verify.running') : t('verify.start')}
        </Button>
        <Checkbox label={t('verify.full')} checked={full} disabled={running} onChange={(e) => setFull(e.target.checked)} />
      </div>
      <ErrorAlert error={start.error ?? job.error} />
      {current?.state === 'running' && (
        <div className="mt-3 flex flex-col gap-1" data-testid="audit-verify-progress">
          <label htmlFor="audit-verify-progress-bar" className="text-sm font-bold">
            {t('verify.progress', { checked: current.checked.toLocaleString(), total: current.total.toLocaleString() })}
          </label>
          <progress id="audit-verify-progress-bar" className="h-3 w-full" max={Math.max(current.total, 1)} value={current.checked} />
        </div>
      )}
      {current?.state === 'failed' && <ErrorAlert>{t('verify.failed', { error: current.error ?? '' })}</ErrorAlert>}
      {current?.state === 'done' && (
        <div
          data-testid="audit-verify-result"
          data-ok={String(current.ok === true)}
          role="status"
          className={`mt-3 rounded-8 border-2 px-4 py-3 ${current.ok ? 'border-success-2 bg-green-50 text-green-1100' : 'border-error-2 bg-red-50 text-error-2'}`}
        >
          {current.ok ? (
            <>
              <p className="font-bold">{t('verify.intact', { count: current.checked })}</p>
              <p className="text-sm">
                {t(current.mode === 'incremental' ? 'verify.modeIncremental' : 'verify.modeFull', { from: current.fromSeq ?? 1 })}
              </p>
              {current.lastSeq !== null && (
                <p className="break-all text-sm">{t('verify.anchor', { seq: current.lastSeq, hash: current.lastHash ?? '' })}</p>
              )}
            </>
          ) : (
            <>
              <p className="font-bold">{t('verify.broken')}</p>
              <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-sm">
                <dt className="font-bold">{t('verify.firstBrokenSeq')}</dt>
                <dd>{current.firstBrokenSeq ?? '—'}</dd>
                <dt className="font-bold">{t('verify.firstBrokenId')}</dt>
                <dd className="break-all font-mono" data-testid="audit-verify-broken-id">
                  {current.firstBrokenId ?? '—'}
                </dd>
                <dt className="font-bold">{t('verify.reasonLabel')}</dt>
                <dd>{t(`verify.reasons.${current.reason ?? 'unknown'}`)}</dd>
              </dl>
            </>
          )}
          {current.finishedAt && <p className="mt-1 text-sm">{t('verify.finishedAt', { at: formatDateTime(current.finishedAt, i18n.language) })}</p>}
        </div>
      )}
    </Panel>
  );
}
