import { useTranslation } from 'react-i18next';
import { CERTIFICATE_TYPES } from '#libs/contracts/index.js';
import { useOrganisations } from '../../shared/api/organisations';
import { Button } from '../../shared/ui/Button';
import { Checkbox, SelectField, TextArea, TextField } from '../../shared/ui/fields';
import { type Certificate, type Contact, FIELD_KINDS } from './recipient-values';


/** The edit control of one recipient field (`input-<fieldName>`), labelled with the field's name. */
export function FieldInput({ field, value, onChange }: { field: string; value: unknown; onChange: (value: unknown) => void }) {
  const { t } = useTranslation(['recipients', 'common']);
  const organisations = useOrganisations();
  const label = t(`common:fields.${field}`);
  const kind = FIELD_KINDS[field] ?? { kind: 'text' };
  const testId = `input-${field}`;
  switch (kind.kind) {
    case 'date':
      return <TextField label={label} type="date" data-testid={testId} value={(value as string) ?? ''} onChange={(e) => onChange(e.target.value || null)} />;
    case 'enum':
      return (
        <SelectField
          label={label}
          data-testid={testId}
          value={(value as string) ?? ''}
          onChange={(e) => onChange(e.target.value || null)}
          options={[{ value: '', label: t('common:notSet') }, ...kind.values.map((v) => ({ value: v, label: t(`common:values.${kind.set}.${v}`) }))]}
        />
      );
    case 'multi': {
      const selected = (value as string[] | null) ?? [];
      return (
        <fieldset data-testid={testId}>
          <legend className="font-bold">{label}</legend>
          <div className="flex flex-wrap gap-x-4">
            {kind.values.map((v) => (
              <Checkbox
                key={v}
                label={t(`common:values.${kind.set}.${v}`)}
                checked={selected.includes(v)}
                onChange={(e) => onChange(e.target.checked ? [...selected, v] : selected.filter((x) => x !== v))}
              />
            ))}
          </div>
        </fieldset>
      );
    }
    case 'organisation':
      return (
        <SelectField
          label={label}
          data-testid={testId}
          value={(value as string) ?? ''}
          onChange={(e) => onChange(e.target.value || null)}
          options={[{ value: '', label: t('common:notSet') }, ...organisations.list.map((o) => ({ value: o.id, label: o.name }))]}
        />
      );
    case 'contacts':
      return <ContactsInput label={label} testId={testId} value={(value as Contact[] | null) ?? []} onChange={onChange} />;
    case 'certificates':
      return <CertificatesInput label={label} testId={testId} value={(value as Certificate[] | null) ?? []} onChange={onChange} />;
    default:
      return kind.multiline ? (
        <TextArea label={label} data-testid={testId} rows={4} value={(value as string) ?? ''} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <TextField label={label} type={kind.inputType ?? 'text'} data-testid={testId} value={(value as string) ?? ''} onChange={(e) => onChange(e.target.value)} />
      );
  }
}

function ContactsInput({ label, testId, value, onChange }: { label: string; testId: string; value: Contact[]; onChange: (v: unknown) => void }) {
  const { t } = useTranslation(['recipients', 'common']);
  const update = (i: number, patch: Partial<Contact>) => onChange(value.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <fieldset data-testid={testId} className="flex flex-col gap-2">
      <legend className="font-bold">{label}</legend>
      {value.map((c, i) => (
        <div key={i} className="grid gap-2 rounded-8 border border-solid-gray-200 p-2 md:grid-cols-4">
          <TextField label={t('recipients:contacts.name')} value={c.name} onChange={(e) => update(i, { name: e.target.value })} />
          <TextField label={t('recipients:contacts.relationship')} value={c.relationship ?? ''} onChange={(e) => update(i, { relationship: e.target.value || null })} />
          <TextField label={t('recipients:contacts.phone')} type="tel" value={c.phone ?? ''} onChange={(e) => update(i, { phone: e.target.value || null })} />
          <div className="flex items-end justify-between gap-2">
            <Checkbox label={t('common:values.keyPerson')} checked={Boolean(c.isKeyPerson)} onChange={(e) => update(i, { isKeyPerson: e.target.checked })} />
            <Button variant="ghost" onClick={() => onChange(value.filter((_, j) => j !== i))}>
              {t('recipients:contacts.remove')}
            </Button>
          </div>
        </div>
      ))}
      <div>
        <Button variant="secondary" onClick={() => onChange([...value, { name: '', relationship: null, phone: null, isKeyPerson: false }])}>
          {t('recipients:contacts.add')}
        </Button>
      </div>
    </fieldset>
  );
}

function CertificatesInput({ label, testId, value, onChange }: { label: string; testId: string; value: Certificate[]; onChange: (v: unknown) => void }) {
  const { t } = useTranslation(['recipients', 'common']);
  const update = (i: number, patch: Partial<Certificate>) => onChange(value.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <fieldset data-testid={testId} className="flex flex-col gap-2">
      <legend className="font-bold">{label}</legend>
      {value.map((c, i) => (
        <div key={i} className="grid gap-2 rounded-8 border border-solid-gray-200 p-2 md:grid-cols-3">
          <SelectField
            label={t('recipients:certificates.type')}
            value={c.type}
            onChange={(e) => update(i, { type: e.target.value })}
            options={CERTIFICATE_TYPES.map((v) => ({ value: v, label: t(`common:values.certificateType.${v}`) }))}
          />
          <TextField label={t('recipients:certificates.grade')} value={c.grade} maxLength={2} onChange={(e) => update(i, { grade: e.target.value })} />
          <div className="flex items-end">
            <Button variant="ghost" onClick={() => onChange(value.filter((_, j) => j !== i))}>
              {t('recipients:certificates.remove')}
            </Button>
          </div>
        </div>
      ))}
      <div>
        <Button variant="secondary" onClick={() => onChange([...value, { type: 'physical', grade: '1' }])}>
          {t('recipients:certificates.add')}
        </Button>
      </div>
    </fieldset>
  );
}
