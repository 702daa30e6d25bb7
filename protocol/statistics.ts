/**
 * Figures (issue 11): what a municipality reports about its virtual housing support, per team and per local month in
 * the organisation's time zone, each beside the same figure for the period just before. A coordinator sees the whole
 * organisation or one team; a worker sees their own work only. The same figures as CSV and XLSX (small cells
 * suppressed, no names or ids) and as an evaluation report (PDF) for the board.
 *
 * Also the one piece of data the figures need that nothing else stores: each citizen's distance and travel time from
 * their team's base, set once, from which the travel saved by video and phone sessions is counted.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, strict, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

/** A local month, e.g. 2026-03. */
export const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, a month in the organisation’s time zone' });
export type Month = Static<typeof Month>;

/** The longest period asked for at once (its previous period is as long again). */
export const MAX_MONTHS = 12;

export const StatisticsQuery = Type.Object(
  {
    from: Month,
    /** The last month of the period, inclusive; at most MAX_MONTHS after `from`. */
    to: Month,
    /** One team (coordinators); a worker may name only their own team, and sees their own work either way. */
    teamId: Type.Optional(Uuid),
  },
  strict,
);
export type StatisticsQuery = Static<typeof StatisticsQuery>;

/** The figures, in the order the screen and the exports show them. */
export const FIGURE_IDS = ['ways', 'kinds', 'outcomes', 'audioOnly', 'quality', 'answerTime', 'travel', 'feedback'] as const;
export type FigureId = (typeof FIGURE_IDS)[number];
export const FigureIdSchema = Type.Union(FIGURE_IDS.map((id) => Type.Literal(id)));

/**
 * One line of a figure. `current`/`previous` are the values of the period and the one before (null: nothing to count
 * from). `currentBase`/`previousBase` say how many contacts, calls or requests the value rests on: for a count it is
 * the count itself, for a share or a median the number it was computed from. Exports suppress a value whose base is
 * 1–4.
 */
export const FigureRow = Type.Object({
  key: Type.String({ description: 'e.g. video, planned, held, medianRttMs' }),
  /** count: a number of things; percent, ms, minutes, km, hours: a measure of them. */
  unit: Type.Union(['count', 'percent', 'ms', 'minutes', 'km', 'hours'].map((u) => Type.Literal(u))),
  current: Nullable(Type.Number()),
  previous: Nullable(Type.Number()),
  currentBase: Type.Integer(),
  previousBase: Type.Integer(),
});
export type FigureRow = Static<typeof FigureRow>;
export type FigureUnit = FigureRow['unit'];

export const Figure = Type.Object({ id: FigureIdSchema, rows: Type.Array(FigureRow) });
export type Figure = Static<typeof Figure>;

export const StatisticsTeam = Type.Object({ id: Uuid, name: Type.String() });
export type StatisticsTeam = Static<typeof StatisticsTeam>;

export const Statistics = Type.Object({
  from: Month,
  to: Month,
  /** The period before, as long as this one. */
  previousFrom: Month,
  previousTo: Month,
  timeZone: Type.String(),
  /** Whose work: the whole organisation, one team's workers, or the signed-in worker's own. */
  scope: Type.Union([Type.Literal('organisation'), Type.Literal('team'), Type.Literal('own')]),
  team: Nullable(StatisticsTeam),
  /** The teams the picker offers: every active team for a coordinator, none for a worker. */
  teams: Type.Array(StatisticsTeam),
  figures: Type.Array(Figure),
});
export type Statistics = Static<typeof Statistics>;

/** A citizen's one-way distance and travel time from their team's base; null while not set. */
export const Travel = Type.Object({
  km: Nullable(Type.Number({ minimum: 0, maximum: 1000 })),
  minutes: Nullable(Type.Integer({ minimum: 0, maximum: 1440 })),
});
export type Travel = Static<typeof Travel>;
export const PutTravelBody = Type.Object(
  {
    km: Nullable(Type.Number({ minimum: 0, maximum: 1000, description: 'One way, e.g. 12.5' })),
    minutes: Nullable(Type.Integer({ minimum: 0, maximum: 1440, description: 'One way' })),
  },
  strict,
);
export type PutTravelBody = Static<typeof PutTravelBody>;
export const CitizenParams = Type.Object({ citizenId: Uuid }, strict);

/** A file sent as it is (a spreadsheet, a PDF); the server hands over its bytes. */
const FileBytes = Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary' });

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const statisticsRoutes = {
  /** 403 when a worker names another team than their own; 400 when `to` is before `from` or the period is too long. */
  'GET /api/statistics': { roles: Roles.caseStaff, tags: ['statistics'], query: StatisticsQuery, reply: { 200: Statistics } },
  /** The same figures, counts 1–4 and values resting on fewer than 5 shown as "<5"; no names, no ids. Audited. */
  'GET /api/statistics/export.csv': { roles: Roles.caseStaff, tags: ['statistics'], produces: 'text/csv', query: StatisticsQuery, reply: { 200: Type.String() } },
  'GET /api/statistics/export.xlsx': { roles: Roles.caseStaff, tags: ['statistics'], produces: XLSX_TYPE, query: StatisticsQuery, reply: { 200: FileBytes } },
  /** The evaluation report for the board: the figures with the period before, a reading guide, suppression explained. */
  'GET /api/statistics/report.pdf': { roles: Roles.caseStaff, tags: ['statistics'], produces: 'application/pdf', query: StatisticsQuery, reply: { 200: FileBytes } },
  /** A citizen in my caseload (any citizen for a coordinator); 404 otherwise. */
  'GET /api/citizens/:citizenId/travel': { roles: Roles.caseStaff, tags: ['statistics'], params: CitizenParams, reply: { 200: Travel } },
  'PUT /api/citizens/:citizenId/travel': { roles: Roles.caseStaff, tags: ['statistics'], params: CitizenParams, body: PutTravelBody, reply: { 200: Travel } },
} as const satisfies RouteTable;
