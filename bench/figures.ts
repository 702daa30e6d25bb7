/** The q-quantile of the values (nearest rank), rounded to whole units. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!);
}

/** p50, p95 and max of a series of timings (ms), as the benchmarks print them. */
export function spread(values: readonly number[]): { p50: number; p95: number; max: number } {
  return { p50: percentile(values, 0.5), p95: percentile(values, 0.95), max: values.length ? Math.round(Math.max(...values)) : Number.NaN };
}

/** a / b to two decimals. */
export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 100) / 100;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
