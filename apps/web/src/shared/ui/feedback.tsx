import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/error-message';

/** An error said in the user's language, announced to screen readers. */
export function ErrorAlert({ error, testId, children }: { error?: unknown; testId?: string; children?: ReactNode }) {
  const { t } = useTranslation();
  if (!error && !children) return null;
  return (
    <div role="alert" data-testid={testId} className="rounded-8 border-2 border-error-2 bg-red-50 px-4 py-3 text-error-2">
      {children ?? errorMessage(t, error)}
    </div>
  );
}

export function Notice({ children, testId, tone = 'info' }: { children: ReactNode; testId?: string; tone?: 'info' | 'success' | 'warning' }) {
  const tones = {
    info: 'border-blue-900 bg-blue-50 text-blue-1100',
    success: 'border-success-2 bg-green-50 text-green-1100',
    warning: 'border-warning-yellow-2 bg-yellow-50 text-yellow-1200',
  };
  return (
    <div role="status" data-testid={testId} className={`rounded-8 border-2 px-4 py-3 ${tones[tone]}`}>
      {children}
    </div>
  );
}

export function Badge({ children, tone = 'neutral', testId }: { children: ReactNode; tone?: 'neutral' | 'warning' | 'danger' | 'info'; testId?: string }) {
  const tones = {
    neutral: 'bg-solid-gray-100 text-solid-gray-900',
    warning: 'bg-yellow-100 text-yellow-1200',
    danger: 'bg-red-100 text-red-1100',
    info: 'bg-blue-100 text-blue-1100',
  };
  return (
    <span data-testid={testId} className={`inline-block rounded-4 px-2 py-0.5 text-sm font-bold ${tones[tone]}`}>
      {children}
    </span>
  );
}

/** A modal dialog on the native <dialog>: focus moves in, Escape closes, the page behind is inert. */
export function Dialog({
  open,
  title,
  onClose,
  testId,
  children,
}: {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  testId?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      data-testid={open ? testId : undefined}
      aria-labelledby={testId ? `${testId}-title` : undefined}
      onClose={onClose}
      className="m-auto w-[min(40rem,calc(100vw-2rem))] rounded-12 bg-white p-6 shadow-2"
    >
      {open && (
        <div className="flex flex-col gap-4">
          <h2 id={testId ? `${testId}-title` : undefined} className="text-xl font-bold">
            {title}
          </h2>
          {children}
        </div>
      )}
    </dialog>
  );
}

export function Panel({ title, children, testId, actions }: { title: ReactNode; children: ReactNode; testId?: string; actions?: ReactNode }) {
  return (
    <section data-testid={testId} className="rounded-12 border border-solid-gray-200 bg-white p-4 shadow-1" aria-label={typeof title === 'string' ? title : undefined}>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-bold">{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
