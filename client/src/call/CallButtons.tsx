import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { CameraIcon, CameraOffIcon, LeaveIcon, MicIcon, MicOffIcon } from '../ui/icons';
import type { CallEngine, CallView } from './engine';

/** The bar's buttons that the waiting room and the call share, so both bars look and behave the same. */

export function MicButton({ view, engine }: { view: CallView; engine: CallEngine }) {
  const { t } = useI18n();
  return (
    <button type="button" className={`call-button${view.micOn ? '' : ' off'}`} aria-pressed={view.micOn} onClick={() => void engine.setMic(!view.micOn)}>
      <span className="call-button-icon">{view.micOn ? <MicIcon /> : <MicOffIcon />}</span>
      <span className="call-button-label">{t('call.short.mic')}</span>
    </button>
  );
}

/** The camera on or off; pressed while the call is sound only, it brings the picture back with the camera on. */
export function CameraButton({ view, engine }: { view: CallView; engine: CallEngine }) {
  const { t } = useI18n();
  const on = view.cameraOn && !view.audioOnly;
  const toggle = async () => {
    if (view.audioOnly) {
      await engine.setAudioOnly(false);
      if (!view.cameraOn) await engine.setCamera(true);
    } else await engine.setCamera(!view.cameraOn);
  };
  return (
    <button type="button" className={`call-button${on ? '' : ' off'}`} aria-pressed={on} onClick={() => void toggle()}>
      <span className="call-button-icon">{on ? <CameraIcon /> : <CameraOffIcon />}</span>
      <span className="call-button-label">{t('call.short.camera')}</span>
    </button>
  );
}

/** Leaving (or, for the host, ending): the full sentence for screen readers, the short word under the icon. */
export function LeaveButton({ label, shortLabel, onClick }: { label: TextKey; shortLabel: TextKey; onClick(): void }) {
  const { t } = useI18n();
  return (
    <button type="button" className="call-button leave" aria-label={t(label)} onClick={onClick}>
      <span className="call-button-icon"><LeaveIcon /></span>
      <span className="call-button-label">{t(shortLabel)}</span>
    </button>
  );
}
