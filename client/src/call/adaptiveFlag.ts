/**
 * Video adapts to the network (adapt.ts), and so does the sound's jitter buffer on a lossy line (audioBuffer.ts),
 * unless the client was built with VITE_ADAPTIVE_VIDEO=off: then the camera goes out in one plain layer at one fixed
 * step, sound only is never suggested and the browser keeps its own jitter buffer, as before — the baseline that
 * `npm run bench:network` measures the adaptation against, in the same run. (Apart from adapt.ts, which the unit tests
 * import outside Vite.)
 */
export const ADAPTIVE_VIDEO = import.meta.env.VITE_ADAPTIVE_VIDEO !== 'off';
