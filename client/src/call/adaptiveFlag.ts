/**
 * Video adapts to the network (adapt.ts) unless the client was built with VITE_ADAPTIVE_VIDEO=off: then the camera
 * goes out in one plain layer at one fixed step and sound only is never suggested, as before — the baseline that
 * `npm run bench:network` measures the adaptation against, in the same run. (Apart from adapt.ts, which the unit tests
 * import outside Vite.)
 */
export const ADAPTIVE_VIDEO = import.meta.env.VITE_ADAPTIVE_VIDEO !== 'off';
