import { ApiError } from './api';
import type { TextKey } from './i18n/da';
import { da } from './i18n/da';

/** The user-facing text for a failed request: our own translation when we have one for its code. */
export function errorText(t: (key: TextKey) => string, error: unknown): string {
  if (error instanceof ApiError) {
    const key = `error.${error.code}`;
    if (key in da) return t(key as TextKey);
  }
  return t('app.error');
}
