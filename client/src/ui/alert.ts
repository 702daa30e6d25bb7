/**
 * Someone needs an answer: a short soft tone, and a system notification when the person allowed them. The
 * notification's title names nobody (it shows on lock screens and synced devices); the screen itself says who. A
 * repeat under the same tag replaces the earlier notification instead of stacking.
 */
export function chimeAndNotify({ pitchHz, volume, seconds, title, tag }: { pitchHz: number; volume: number; seconds: number; title: string; tag: string }): void {
  try {
    const context = new AudioContext();
    const tone = context.createOscillator();
    const gain = context.createGain();
    tone.frequency.value = pitchHz;
    gain.gain.setValueAtTime(volume, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + seconds);
    tone.connect(gain).connect(context.destination);
    tone.start();
    tone.stop(context.currentTime + seconds);
    // Browsers allow only a few audio contexts per page: each chime gives its own back.
    tone.onended = () => void context.close();
  } catch {
    // no audio output: the notification and the list on screen remain
  }
  if ('Notification' in window && Notification.permission === 'granted') new Notification(title, { tag });
}
