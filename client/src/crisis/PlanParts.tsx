import { useId, useState, type FormEvent } from 'react';
import type { CrisisContact, CrisisPlanFields, CrisisSection } from '../../../protocol/crisis';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { PhoneIcon } from '../ui/icons';
import { telHref } from '../ui/tel';

/** The plan's written sections in the order they are read; the people to call come before them (see PlanView). */
export const TEXT_SECTIONS = ['warningSigns', 'whatHelps', 'whatIDo', 'staffShould', 'doNotWant'] as const;
type TextSection = (typeof TEXT_SECTIONS)[number];

/** Each section's heading, in the citizen's own voice ("Det hjælper mig") — for staff too: it is the citizen's plan. */
export const SECTION_TITLE: Record<CrisisSection, TextKey> = {
  contacts: 'crisis.contacts',
  warningSigns: 'crisis.warningSigns',
  whatHelps: 'crisis.whatHelps',
  whatIDo: 'crisis.whatIDo',
  staffShould: 'crisis.staffShould',
  doNotWant: 'crisis.doNotWant',
};

/** Every section, in the order the plan shows them. */
export const CRISIS_SECTION_ORDER: CrisisSection[] = ['contacts', ...TEXT_SECTIONS];

export const EMPTY_PLAN: CrisisPlanFields = { warningSigns: '', whatHelps: '', whatIDo: '', contacts: [], staffShould: '', doNotWant: '' };

/** One number, big enough to hit with a shaking thumb: the name above, the number beside the phone icon. */
export function CallLink({ contact }: { contact: CrisisContact }) {
  const { t } = useI18n();
  return (
    <a className="crisis-call" href={telHref(contact.phone)}>
      <PhoneIcon />
      {/* Read out as "Ring til Lise, +45 12 34 56 78": what pressing does, then what is shown. */}
      <span className="visually-hidden">{t('crisis.call')} </span>
      <span className="crisis-call-text">
        <span className="crisis-call-name">{contact.name}</span>
        <span className="crisis-call-number">{contact.phone}</span>
      </span>
    </a>
  );
}

/**
 * The plan as it reads: first the people to call (and 112, always), then the written sections. Empty sections are
 * left out on the citizen's side and shown as such to staff (who write them).
 */
export function PlanView({ fields, showEmpty = false }: { fields: CrisisPlanFields; showEmpty?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="crisis-plan">
      <section className="crisis-section" aria-labelledby="crisis-contacts">
        <h2 id="crisis-contacts">{t('crisis.contacts')}</h2>
        <ul className="crisis-calls">
          {fields.contacts.map((contact, index) => (
            <li key={index}>
              <CallLink contact={contact} />
            </li>
          ))}
          <li>
            <CallLink contact={{ name: t('crisis.emergencyName'), phone: '112' }} />
          </li>
        </ul>
      </section>
      {TEXT_SECTIONS.filter((section) => showEmpty || fields[section].trim() !== '').map((section) => (
        <section key={section} className="crisis-section" aria-labelledby={`crisis-${section}`}>
          <h2 id={`crisis-${section}`}>{t(SECTION_TITLE[section])}</h2>
          {fields[section].trim() ? <p className="crisis-text">{fields[section]}</p> : <p className="crisis-text crisis-empty">{t('crisis.notWritten')}</p>}
        </section>
      ))}
    </div>
  );
}

/**
 * The plan as a form: each section a text box, the people to call as name + number rows (add, remove). Used by the
 * citizen to propose a change and by the worker to edit with them.
 */
export function PlanEditor({ initial, submitLabel, busy, onSubmit, onCancel }: {
  initial: CrisisPlanFields;
  submitLabel: string;
  busy: boolean;
  onSubmit(fields: CrisisPlanFields): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [fields, setFields] = useState<CrisisPlanFields>(initial);
  const setText = (section: TextSection, value: string) => setFields((f) => ({ ...f, [section]: value }));
  const setContact = (index: number, change: Partial<CrisisContact>) =>
    setFields((f) => ({ ...f, contacts: f.contacts.map((c, i) => (i === index ? { ...c, ...change } : c)) }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Rows left empty are dropped rather than refused; a half-filled one is kept for the server to refuse.
    onSubmit({ ...fields, contacts: fields.contacts.map((c) => ({ name: c.name.trim(), phone: c.phone.trim() })).filter((c) => c.name || c.phone) });
  };
  return (
    <form className="crisis-editor" onSubmit={submit}>
      <fieldset className="crisis-contacts-edit">
        <legend>{t('crisis.contacts')}</legend>
        {fields.contacts.map((contact, index) => (
          <div key={index} className="crisis-contact-row">
            <label>
              {t('crisis.contactName')}
              <input value={contact.name} maxLength={100} autoComplete="off" onChange={(e) => setContact(index, { name: e.target.value })} />
            </label>
            <label>
              {t('crisis.contactPhone')}
              <input
                value={contact.phone} inputMode="tel" type="tel" maxLength={20} pattern="\+?[0-9][0-9 ]*" autoComplete="off"
                onChange={(e) => setContact(index, { phone: e.target.value })}
              />
            </label>
            <button type="button" className="quiet" onClick={() => setFields((f) => ({ ...f, contacts: f.contacts.filter((_, i) => i !== index) }))}>
              {t('crisis.removeContact', { name: contact.name || t('crisis.contactName') })}
            </button>
          </div>
        ))}
        {fields.contacts.length < 10 && (
          <button type="button" onClick={() => setFields((f) => ({ ...f, contacts: [...f.contacts, { name: '', phone: '' }] }))}>
            {t('crisis.addContact')}
          </button>
        )}
      </fieldset>
      {TEXT_SECTIONS.map((section) => (
        <label key={section} className="crisis-field" htmlFor={`${id}-${section}`}>
          {t(SECTION_TITLE[section])}
          <textarea id={`${id}-${section}`} rows={3} maxLength={2000} value={fields[section]} onChange={(e) => setText(section, e.target.value)} />
        </label>
      ))}
      <div className="crisis-editor-actions">
        <button type="submit" className="primary" disabled={busy}>{submitLabel}</button>
        <button type="button" onClick={onCancel}>{t('crisis.cancel')}</button>
      </div>
    </form>
  );
}

