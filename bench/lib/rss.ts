import fs from 'node:fs';

/** Resident set size of a process, from /proc/<pid>/status (VmRSS), sampled on an interval. */

export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Math.round((Number(m[1]) / 1024) * 10) / 10;
}

export interface RssSample {
  /** seconds since sampling started */
  t: number;
  mb: number;
}

export function sampleRss(pid: number, everyMs = 1000): { stop(): RssSample[] } {
  const started = Date.now();
  const samples: RssSample[] = [{ t: 0, mb: rssMb(pid) }];
  const timer = setInterval(() => {
    try {
      samples.push({ t: (Date.now() - started) / 1000, mb: rssMb(pid) });
    } catch {
      // the process is gone; the scenario reports what it has
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}
