import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Sql } from 'postgres';
import type { Role } from '../protocol/common.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { MediaServer } from '../sfu/index.js';
import { auditStore } from './audit/store.js';
import { auditRoutes } from './audit/routes.js';
import { callRoutes } from './calls/routes.js';
import { bookingRoutes } from './booking/routes.js';
import { bookingStore } from './booking/store.js';
import { citizenBookingRoutes } from './booking/citizen-routes.js';
import { citizenBookingStore } from './booking/citizen-store.js';
import { calendarRoutes } from './calendar/routes.js';
import { calendarStore } from './calendar/store.js';
import { CallSignalling } from './calls/signalling/server.js';
import { callStore } from './calls/store.js';
import { lockoutRoutes } from './auth/lockout.js';
import { authRoutes } from './auth/routes.js';
import { requireRoles } from './auth/session.js';
import { authStore } from './auth/store.js';
import type { TokenService } from './auth/tokens.js';
import { healthRoutes } from './health/routes.js';
import { healthStore } from './health/store.js';
import { clientError, frameworkError, toErrorBody } from './http/errors.js';
import { addApiFormats, API_FORMATS } from './http/formats.js';
import { trustProxyOption } from './http/proxy.js';
import { checkOrigin, securityHeaders } from './http/security.js';
import type { App, FeatureDeps } from './http/types.js';
import { joinRoutes } from './links/join-routes.js';
import { citizenLinkRoutes } from './links/routes.js';
import { linkStore } from './links/store.js';
import { medicationRoutes } from './reminders/medication-routes.js';
import { medicationStore } from './reminders/medication-store.js';
import { settingsRoutes } from './reminders/settings-routes.js';
import { settingsStore } from './reminders/settings-store.js';
import { peopleRoutes } from './people/routes.js';
import { organisationRoutes } from './people/organisation-routes.js';
import { peopleStore } from './people/store.js';
import { requireContract } from './http/route.js';
import { eventsSocketServer, UserEvents } from './events/events.js';
import type { HostCluster } from './hosts/cluster.js';
import { SINGLE_HOST, signallingPathOf, type CallPlacement } from './calls/room-token.js';
import { DutyNotifier } from './duty/notify.js';
import { dutyRoutes } from './duty/routes.js';
import { dutyStore } from './duty/store.js';
import { loadVapidKeys, type VapidKeys } from './push/keys.js';
import { pushRoutes } from './push/routes.js';
import { pushStore } from './push/store.js';
import { Metrics } from './metrics/metrics.js';
import { metricsRoutes } from './metrics/routes.js';
import { metricsStore } from './metrics/store.js';
import { crisisRoutes } from './crisis/routes.js';
import { crisisStore } from './crisis/store.js';
import { attendanceRoutes } from './attendance/routes.js';
import { attendanceStore } from './attendance/store.js';
import { FollowUpNotifier } from './follow-up/notify.js';
import { followUpRoutes } from './follow-up/routes.js';
import { followUpStore } from './follow-up/store.js';
import { statisticsRoutes } from './statistics/routes.js';
import { statisticsStore } from './statistics/store.js';
import { notesRoutes } from './notes/routes.js';
import { notesStore } from './notes/store.js';
import { volunteerRoutes } from './volunteers/routes.js';
import { volunteerStore } from './volunteers/store.js';
import { guestRoutes } from './guests/routes.js';
import { guestStore } from './guests/store.js';
import { volunteerTimeRoutes } from './volunteer-times/routes.js';
import { volunteerTimeStore } from './volunteer-times/store.js';
import { CLIENT_DIR } from './paths.js';

const BODY_LIMIT = 64 * 1024;

export interface AppDeps {
  sql: Sql;
  tokens: TokenService;
  media: MediaServer;
  /** The process's logger (server/log.ts): Fastify logs requests through it. */
  log: Logger;
  /** Folder with the built client; served when it exists. */
  clientDir?: string;
  /** Several hosts (HOST_ID, server/hosts/): this host's lease, call placement and cross-host events. */
  cluster?: HostCluster;
}

export interface RouteInfo {
  method: string;
  url: string;
  roles: readonly Role[] | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every API route with the roles it allows: the role-check tests walk this list. */
    apiRoutes: RouteInfo[];
    /** Where a call runs (one instance, or the host it is placed on): the room-token routes ask it first. */
    callPlacement: CallPlacement;
  }
}

export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  // As Fastify's base logger: the type request.log and app.log have in every feature (App).
  const loggerInstance: FastifyBaseLogger = deps.log;
  const app: App = Fastify({
    loggerInstance,
    bodyLimit: BODY_LIMIT,
    trustProxy: trustProxyOption(config.trustProxy),
    // Unknown fields are an error, not silently dropped; types are not coerced; dates must exist in the calendar.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false }, onCreate: addApiFormats },
    // The response serializer meets the same formats in reply schemas (it needs to know them, not to check them).
    serializerOpts: { ajv: { formats: { 'local-date-time': API_FORMATS['local-date-time'] } } },
    return503OnClosing: true,
    // Requests the router cannot match and requests that are not valid HTTP answer in the error shape too.
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routes: RouteInfo[] = [];
  app.decorate('apiRoutes', routes);
  const cluster = deps.cluster;
  app.decorate('callPlacement', cluster ?? SINGLE_HOST);
  // A route exists only through its contract in protocol/ (route()); anything else fails here, at start-up.
  app.addHook('onRoute', requireContract);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.method === 'HEAD') return;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, roles: route.config?.roles });
    }
  });

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: { info: { title: 'Nærvær API', version: '0.1.0', description: 'Video-based housing support (virtuel bostøtte).' } },
  });

  app.decorateRequest('auth', null);
  app.addHook('onRequest', checkOrigin(config.publicUrl.origin));
  const features: FeatureDeps = { config, tokens: deps.tokens };
  app.decorate('signIns', authStore(deps.sql));
  app.addHook('onRequest', requireRoles(app.signIns, deps.tokens));
  app.addHook('onSend', securityHeaders(config.publicUrl.protocol === 'https:'));

  // Monitoring (GET /metrics, server/metrics/), only when METRICS_TOKEN is set. Live calls are counted by the
  // signalling server made further down.
  let liveCounts = () => ({ calls: 0, participants: 0, waiting: 0 });
  const metrics = config.metricsToken
    ? new Metrics({ media: deps.media, liveCalls: () => liveCounts(), outbox: () => metricsStore(deps.sql).outbox() })
    : undefined;
  app.decorate('metrics', metrics);
  if (metrics) {
    // The route's pattern (/api/calls/:callId), never the path with its ids.
    app.addHook('onResponse', async (request, reply) => metrics.request(request.method, request.routeOptions.url ?? '(no route)', reply.statusCode, reply.elapsedTime / 1000));
  }
  metricsRoutes(app, metrics, config.metricsToken);

  app.setErrorHandler((error, request, reply) => {
    const { status, body, unexpected } = toErrorBody(error);
    if (unexpected) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send(body);
  });

  // Stores: each feature's data access, decorated on the instance so routes (and other features) reach it by name.
  app.decorate('booking', bookingStore(deps.sql));
  app.decorate('citizenBooking', citizenBookingStore(deps.sql));
  app.decorate('reminderSettings', settingsStore(deps.sql));
  app.decorate('medication', medicationStore(deps.sql));
  app.decorate('links', linkStore(deps.sql));
  app.decorate('calendar', calendarStore(deps.sql));
  app.decorate('people', peopleStore(deps.sql));
  app.decorate('audit', auditStore(deps.sql));
  app.decorate('health', healthStore(deps.sql));

  healthRoutes(app);
  authRoutes(app, features);
  lockoutRoutes(app);
  peopleRoutes(app);
  organisationRoutes(app);
  citizenLinkRoutes(app, features);
  joinRoutes(app, features);
  auditRoutes(app);
  bookingRoutes(app);
  citizenBookingRoutes(app, features);
  settingsRoutes(app);
  medicationRoutes(app);
  calendarRoutes(app, features);
  // Web Push: the VAPID pair is read (or generated into DATA_DIR/keys) when first asked for.
  app.decorate('push', pushStore(deps.sql));
  let vapid: VapidKeys | undefined;
  pushRoutes(app, features, () => (vapid ??= loadVapidKeys(config)));
  // The crisis plan (issue 10): the citizen's, read by staff only as crisis_plan_readable_by allows.
  app.decorate('crisis', crisisStore(deps.sql));
  crisisRoutes(app);
  // Volunteers (issue 12): profiles, matching with the citizen's consent, follow-up and hours.
  app.decorate('volunteers', volunteerStore(deps.sql));
  volunteerRoutes(app);

  // Signalling shares the HTTP server: same origin, same TLS, same port.
  app.decorate('calls', callStore(deps.sql));
  // Live "something of yours changed" events (server/events/), on the signalling server's socket.io.
  const events = new UserEvents({ tokens: deps.tokens, signIns: app.signIns, calls: app.calls, log: deps.log.child({ module: 'events' }) });
  app.decorate('events', events);
  const signalling = new CallSignalling(app.server, {
    onCallChanged: (organisationId, callId) => events.callChanged(organisationId, callId),
    origin: config.publicUrl.origin, store: app.calls, tokens: deps.tokens, media: deps.media, log: deps.log.child({ module: 'signalling' }),
    reconnectGraceMs: config.callReconnectGraceSeconds * 1000,
    turn: { urls: config.turnUrls, secret: config.turnSecret, credentialHours: config.turnCredentialHours },
    ...(metrics ? { onRefused: (message, code) => metrics.refused(message, code), onQuality: (sample) => metrics.quality(sample) } : {}),
    ...(cluster ? { cluster: { hostId: cluster.hostId, path: signallingPathOf(cluster.hostId), adapter: cluster.adapter('rtc') } } : {}),
  });
  liveCounts = () => signalling.liveCounts();
  // Sign-out and deactivation (registered above, called at request time) reach live calls through this.
  app.decorate('liveCalls', {
    // Live calls, and the live events of /events, both end with the sign-in they were opened under.
    signInsChanged: async (organisationId: string, userId: string) => {
      await Promise.all([signalling.signInsChanged(organisationId, userId), events.signInsChanged(organisationId, userId)]);
    },
  });
  // One instance: live events share signalling's socket.io. Several hosts: signalling answers at this host's own path
  // (/rtc/<host>/socket.io/), and live events at /socket.io/ on whichever host the proxy picks, the adapter carrying
  // each event to the host its person is connected to.
  const eventsServer = cluster ? eventsSocketServer(app.server, config.publicUrl.origin, cluster.adapter('events')) : signalling.socketServer;
  events.attach(eventsServer);
  // Both socket.io servers close together: each also closes the HTTP server, which waits for the other's WebSockets.
  app.addHook('preClose', async () => {
    await Promise.all([signalling.close(), cluster ? new Promise<void>((resolve) => eventsServer.close(() => resolve())) : undefined]);
  });
  if (cluster) {
    // An operator drained this host (`npm run drain`) and its deadline has passed: its calls move to other hosts.
    cluster.onDrainDue(() => signalling.moveAway());
    // Calls this host runs that another host runs now (this host's lease lapsed for a moment) or that have ended.
    cluster.watchCalls({ live: () => signalling.liveCallIds(), letGo: (callIds) => signalling.moveAway(callIds) });
  }
  callRoutes(app, features, signalling);

  // Duty (issue 10): contact requests, the roster and the chat; its tick moves on and escalates unanswered requests.
  app.decorate('duty', dutyStore(deps.sql));
  const dutyNotifier = new DutyNotifier({ store: app.duty, events, log: deps.log.child({ module: 'duty' }) });
  app.decorate('dutyNotifier', dutyNotifier);
  dutyRoutes(app, dutyNotifier);
  dutyNotifier.start();
  app.addHook('preClose', () => dutyNotifier.stop());

  // The morning attendance check and the follow-up after a no-show (issue 11). The database opens follow-ups itself;
  // the notifier hears of each (LISTEN) and tells the worker, and the coordinators of two no-shows in a row.
  app.decorate('attendance', attendanceStore(deps.sql));
  attendanceRoutes(app, features);
  app.decorate('followUps', followUpStore(deps.sql));
  followUpRoutes(app);
  const followUpNotifier = new FollowUpNotifier({ store: app.followUps, events, log: deps.log.child({ module: 'follow-up' }) });
  await followUpNotifier.start();
  app.addHook('preClose', () => followUpNotifier.stop());

  // Figures (issue 11): counted from the rows above, per team and local month; exports and the evaluation report.
  app.decorate('statistics', statisticsStore(deps.sql));
  statisticsRoutes(app);

  // Volunteers' own sessions (issue 12): regular times and bookings, the sessions they host and their call for help
  // (through the calls and duty stores above), practice calls, device checks; and the citizen's one-time guest links.
  app.decorate('volunteerTimes', volunteerTimeStore(deps.sql));
  volunteerTimeRoutes(app);
  app.decorate('guests', guestStore(deps.sql));
  guestRoutes(app, features);

  // Notes and goals (issue 11); finalising a note records its outcome through the calls and booking stores above.
  app.decorate('notes', notesStore(deps.sql));
  notesRoutes(app);

  const clientDir = deps.clientDir ?? CLIENT_DIR;
  const hasClient = fs.existsSync(path.join(clientDir, 'index.html'));
  if (hasClient) {
    await app.register(fastifyStatic, {
      root: clientDir,
      wildcard: false,
      index: false,
      // The build writes .br and .gz copies of its text files (client/vite.config.ts): sent to browsers that accept them.
      preCompressed: true,
      setHeaders: (reply, filePath) => {
        // Vite puts a content hash in asset names, so they never change.
        if (filePath.includes(`${path.sep}assets${path.sep}`)) reply.header('cache-control', 'public, max-age=31536000, immutable');
        // The service worker and the manifest keep their names across deploys: the browser asks every time, so a new
        // version takes over at the next visit (client/src/sw.ts).
        else if (/(^|[\\/])(sw\.js|manifest\.webmanifest)(\.br|\.gz)?$/.test(filePath)) reply.header('cache-control', 'no-cache');
      },
    });
  }

  app.setNotFoundHandler((request, reply) => {
    if (hasClient && request.method === 'GET' && !request.url.startsWith('/api/')) {
      // Client-side routes (/, /agenda, /call/<id>, /link, … — client/src/router.ts) all load the single-page app.
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    }
    // Nothing of the request is repeated back (the path may hold anything a link or a scanner put there).
    return reply.code(404).send({ error: { code: 'not_found', message: 'There is nothing at this address' } });
  });

  return app;
}
