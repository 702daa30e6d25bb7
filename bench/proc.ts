/**
 * What the kernel says about processes (Linux /proc): CPU time, resident memory and children. Benchmarks measure a
 * process from outside with these, so the measured process runs exactly as in production (no probe inside it).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Clock ticks per second, the unit of utime and stime in /proc/<pid>/stat (100 on every common Linux). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  pid: number;
  /** The executable's name, cut to 15 characters by the kernel ("mediasoup-worke"). */
  name: string;
  parent: number;
  /** User plus system CPU time, in seconds. */
  cpuSeconds: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
  // The name is in parentheses and may itself contain spaces or parentheses: the fields start after the last ')'.
  const close = text.lastIndexOf(')');
  const name = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime field 14, stime field 15.
  return { pid, name, parent: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
}

function allProcesses(): ProcStat[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => readStat(Number(entry)) ?? []);
}

/** The process and all its descendants, now. */
export function processTree(root: number): ProcStat[] {
  const all = allProcesses();
  const children = new Map<number, ProcStat[]>();
  for (const p of all) children.set(p.parent, [...(children.get(p.parent) ?? []), p]);
  const tree: ProcStat[] = [];
  const queue = all.filter((p) => p.pid === root);
  while (queue.length > 0) {
    const p = queue.shift()!;
    tree.push(p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return tree;
}

/** CPU seconds a process has used since it started (all its threads); 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  return readStat(pid)?.cpuSeconds ?? 0;
}

/** Resident memory of a process in bytes (VmRSS); 0 once it is gone. */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The whole machine's CPU counters (all cores, in ticks): busy and total, to see how loaded it was over a window. */
export function machineTicks(): { busy: number; total: number; cores: number } {
  const lines = fs.readFileSync('/proc/stat', 'utf8').split('\n');
  const values = lines[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const total = values.slice(0, 8).reduce((sum, v) => sum + v, 0);
  const idle = values[3]! + values[4]!;
  const cores = lines.filter((line) => /^cpu\d+ /.test(line)).length;
  return { busy: total - idle, total, cores };
}

/**
 * A CPU meter over a window: start() takes the counters, stop() gives each measured thing's share of one core in
 * percent (200 = two cores fully busy), and the machine's busy share of all its cores.
 */
export function cpuWindow(measure: Record<string, () => number>): { stop(): { seconds: number; corePct: Record<string, number>; machineBusyPct: number } } {
  const started = performance.now();
  const before = Object.fromEntries(Object.entries(measure).map(([name, read]) => [name, read()]));
  const machineBefore = machineTicks();
  return {
    stop() {
      const seconds = (performance.now() - started) / 1000;
      const corePct = Object.fromEntries(Object.entries(measure).map(([name, read]) => [name, ((read() - before[name]!) / seconds) * 100]));
      const machine = machineTicks();
      const machineBusyPct = ((machine.busy - machineBefore.busy) / Math.max(1, machine.total - machineBefore.total)) * 100;
      return { seconds, corePct, machineBusyPct };
    },
  };
}
