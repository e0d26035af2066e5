import { useTranslation } from 'react-i18next';
import { Button } from '../../shared/ui/Button';
import { TextField } from '../../shared/ui/fields';
import type { PickedFilter } from './audit-filters';

export interface LookupChoice {
  id: string;
  label: string;
}

/**
 * A text filter that a look-up turns into one id: the user types a name, a case number or a login id; on search a
 * single match is taken, several are offered as choices (buttons, reachable by keyboard), none leaves the text as
 * typed. Once picked, the field says what it stands for and can be cleared.
 */
export function LookupField({
  label,
  hint,
  testId,
  value,
  onChange,
  choices,
  onChoose,
}: {
  label: string;
  hint: string;
  testId: string;
  value: PickedFilter;
  onChange: (next: PickedFilter) => void;
  choices: LookupChoice[] | null;
  onChoose: (choice: LookupChoice) => void;
}) {
  const { t } = useTranslation('audit');
  return (
    <div className="flex flex-col gap-2">
      <TextField
        label={label}
        hint={hint}
        data-testid={testId}
        value={value.text}
        autoComplete="off"
        onChange={(e) => onChange({ text: e.target.value })}
      />
      {value.id && (
        <p className="flex flex-wrap items-center gap-2 text-sm" data-testid={`${testId}-picked`}>
          <span className="rounded-4 bg-blue-100 px-2 py-0.5 font-bold text-blue-1100">{t('filters.picked', { label: value.label })}</span>
          <Button variant="ghost" className="min-h-8 px-2 py-0 text-sm" onClick={() => onChange({ text: '' })}>
            {t('filters.clear', { label })}
          </Button>
        </p>
      )}
      {choices && (
        <div role="group" aria-label={t('filters.choose', { label })} className="rounded-8 border border-solid-gray-420 bg-white p-2">
          <p className="mb-1 text-sm font-bold">{choices.length ? t('filters.choose', { label }) : t('filters.noMatch')}</p>
          <ul className="flex max-h-48 flex-col gap-1 overflow-auto">
            {choices.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  data-testid={`${testId}-choice`}
                  className="w-full rounded-4 px-2 py-1 text-left text-blue-900 underline-offset-4 hover:bg-blue-50 hover:underline"
                  onClick={() => onChoose(c)}
                >
                  {c.label}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
