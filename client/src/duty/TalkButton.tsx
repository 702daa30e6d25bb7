import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';
import { loadCitizenTalk } from './LazyTalk';

/**
 * The citizen's way to ask for someone now, on home: one quiet, full-width button under the home's main thing (the
 * next appointment or "Deltag"), so it is there in a bad moment without taking over a calm day.
 */
export function TalkButton() {
  const { t } = useI18n();
  return (
    <p className="talk-home">
      <button type="button" className="big-button talk-button" onPointerDown={() => void loadCitizenTalk()} onClick={() => navigate({ name: 'talk' })}>
        {t('talk.button')}
      </button>
    </p>
  );
}
