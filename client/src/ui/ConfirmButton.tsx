import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * A destructive action behind one more step: the first press only asks (in place, next to the button), and nothing
 * happens until the red answer is pressed. "No" is focused first, so a double tap or an Enter too many is harmless.
 */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, className }: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm(): void;
  className?: string;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const back = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) back.current?.focus();
    else if (wasAsking.current) opener.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button ref={opener} type="button" className={className} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={label}>
      <p className="confirm-question">{question}</p>
      <div className="confirm-actions">
        <button type="button" className="danger" onClick={() => { setAsking(false); onConfirm(); }}>{confirmLabel}</button>
        <button ref={back} type="button" onClick={() => setAsking(false)}>{t('confirm.back')}</button>
      </div>
    </div>
  );
}
