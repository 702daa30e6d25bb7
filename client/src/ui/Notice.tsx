import { errorText } from '../errors';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';

/**
 * What happened after a press: a success (its text key, and values made at render time) or a failure (the error
 * itself). The outcome is kept, not its text, so a language switch re-words a message already shown.
 */
export type Outcome = { done: TextKey; values?: Record<string, string> } | { failed: unknown };

type Translate = (key: TextKey, values?: Record<string, string>) => string;

/**
 * The one way a screen says how an action went: placed right next to the control that caused it (not at the top of
 * the page), a status for success and an alert for a failure, so a screen reader reads it out and a sighted person
 * finds it where their finger is. `describe` gives a failure a more precise text than its error code's.
 */
export function Notice({ outcome, describe }: { outcome: Outcome | null; describe?: (t: Translate, error: unknown) => string | null }) {
  const { t } = useI18n();
  if (!outcome) return null;
  if ('done' in outcome) return <p role="status" className="notice notice-ok">{t(outcome.done, outcome.values)}</p>;
  return <p role="alert" className="notice notice-error">{describe?.(t, outcome.failed) ?? errorText(t, outcome.failed)}</p>;
}

/** Runs an action and turns it into an Outcome: `done` on success, the failure otherwise. */
export async function attempt(work: () => Promise<unknown>, done: TextKey, values?: Record<string, string>): Promise<Outcome> {
  try {
    await work();
    return values ? { done, values } : { done };
  } catch (failed) {
    return { failed };
  }
}
