import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const apiTarget = process.env.API_URL ?? 'http://localhost:8080';

/**
 * Writes a Brotli (.br) and a gzip (.gz) copy beside every text file of the build, which the server sends to browsers
 * that accept them (server/app.ts, preCompressed). A citizen's first visit on a prepaid phone then downloads about a
 * quarter of the bytes, and the server never compresses the same file again for every visitor. Runs after every other
 * plugin has written its files (the service worker included).
 */
function precompress(): Plugin {
  let outDir = '';
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
  return {
    name: 'naervaer-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      sequential: true,
      order: 'post',
      handler() {
        for (const file of walk(outDir).filter((f) => /\.(js|css|html|svg|webmanifest)$/.test(f))) {
          const content = fs.readFileSync(file);
          // Below a packet's worth, compressing saves nothing a person would notice.
          if (content.length < 1024) continue;
          const brotli = brotliCompressSync(content, { params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: content.length } });
          const gzip = gzipSync(content, { level: zlib.Z_BEST_COMPRESSION });
          if (brotli.length < content.length) fs.writeFileSync(`${file}.br`, brotli);
          if (gzip.length < content.length) fs.writeFileSync(`${file}.gz`, gzip);
        }
      },
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [
    react(),
    // The installable app: a manifest with the citizen's home-screen icon, and our own service worker (src/sw.ts)
    // into which the plugin writes the list of files to precache. It is registered by src/citizen/pwa.ts, without
    // workbox-window (the first download has a budget).
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      manifestFilename: 'manifest.webmanifest',
      includeAssets: ['favicon.svg', 'icons/apple-touch-icon.png'],
      manifest: {
        id: '/',
        name: 'Nærvær',
        short_name: 'Nærvær',
        description: 'Bostøtte over video',
        lang: 'da',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        // --brand and --bg in src/styles.css.
        theme_color: '#1f4e5f',
        background_color: '#f6f4ef',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The app shell: no source maps (nobody offline needs them, and they are large).
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // Not the call code (fetched when a call is near, as without a service worker: it is of no use offline, and a
        // prepaid phone should not pay for it on the first visit) nor the staff's screens (a citizen never needs them).
        // Nor the figures' screen, which carries the charting library (staff only).
        globIgnores: ['**/assets/CallScreen-*.js', '**/assets/StaffScreen-*.js', '**/assets/StatisticsScreen-*.js'],
        // The call code is larger than Workbox's default 2 MB limit per file in development-sized builds.
        maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
    precompress(),
  ],
  build: {
    outDir: fileURLToPath(new URL('../dist/client', import.meta.url)),
    emptyOutDir: true,
    // Everything is served from our own origin: no inline scripts, so the strict CSP holds.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': {
        target: apiTarget,
        // The API checks Origin against PUBLIC_URL; in development the page comes from Vite's port.
        configure: (proxy) => proxy.on('proxyReq', (request) => request.setHeader('origin', apiTarget)),
      },
    },
  },
});
