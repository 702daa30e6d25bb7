# Nærvær application image. Build: docker compose build (or docker build -t naervaer .)
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The media worker the test suite runs: mediasoup's, built from its npm tarball against Debian's libraries with our
# patch (sfu/worker-build/, which also carries a backported fix for video frozen after a lost packet), instead of the
# prebuilt binary mediasoup's installer would download.
# Before the lock file: updating other dependencies does not rebuild the worker (package.json gives its version).
COPY scripts/build-mediasoup-worker.sh scripts/
COPY sfu/worker-build sfu/worker-build
COPY package.json ./
RUN bash -c 'set -euo pipefail; built=$(NAERVAER_CACHE_DIR=/tmp/naervaer bash scripts/build-mediasoup-worker.sh | tail -n 1); cp "$built" /app/mediasoup-worker'
ENV MEDIASOUP_WORKER_BIN=/app/mediasoup-worker
COPY package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# The libraries the media worker was built against (Debian 12's, as in the build stage).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libabsl20220623 libnspr4 libnss3 libsrtp2-1 libssl3 libusrsctp2 libuv1 \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production DATA_DIR=/data PORT=8080 HOST=0.0.0.0 MEDIASOUP_WORKER_BIN=/app/mediasoup-worker
WORKDIR /app
COPY --from=build /app/mediasoup-worker ./mediasoup-worker
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/migrations ./migrations
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080 20000-20001/udp 20000-20001/tcp
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD node -e "fetch('http://127.0.0.1:8080/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server/main.js"]
