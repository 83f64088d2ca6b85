import { Agent } from 'undici';
import { logWarning } from '../lib/log';

/**
 * Whether a subgraph PROCESS still answers while fetches to it are in flight. A department that
 * hangs is the subgraph's to cut short (its legacy deadlines, SPEC §6); a subgraph process that
 * hangs — its event loop blocked, the process stopped, the host gone silent with the connection
 * open — answers nothing at all, and without this the consumer's request, its admission place and
 * its early fetches would wait for undici's five-minute header timeout.
 *
 * No fixed deadline on a fetch can tell that from honest work: a 500-subject batch on a slow
 * court may rightly take minutes. Nor can a deadline on a health probe: a process saturated by
 * three such batches answers its health route seconds late, yet answers (a first version with a
 * 2 s probe timeout abandoned healthy batches so in a loaded test run). What a hung process cannot
 * do is answer ANYTHING. So while fetches to a subgraph are in flight, its `/healthz` is asked
 * every `intervalMs` (one probe outstanding at a time, on a connection of its own, never queued
 * behind the busy ones), and every answer — a probe's 200, or any fetch's response — is heard. A
 * fetch is abandoned once it and its subgraph have both been silent for `silenceMs`.
 *
 * The gateway's own stalls (a long merge, a GC pause) are not the subgraph's silence: time in
 * which this process could not run its timers does not count, and the decision is taken only after
 * the poll phase has read whatever answer was already waiting in a socket.
 *
 * Behind a balancer (`npm run start:cluster`) the probe reaches whichever replica is up, so a
 * fetch held by a replica that hung is bounded by the balancer's `timeout server` instead, and
 * the balancer's own checks take that replica out.
 */

export interface LivenessOptions {
  /** the subgraph's name, for the log and the error */
  name: string;
  /** GET this; 200 is an answer */
  healthUrl: string;
  /** how often the process is asked while a fetch is in flight (SUBGRAPH_PROBE_INTERVAL_MS) */
  intervalMs: number;
  /** how long a fetch and its subgraph may both stay silent before the fetch is abandoned (SUBGRAPH_SILENCE_MS) */
  silenceMs: number;
}

/** The reason a fetch was abandoned: its subgraph's process stopped answering. */
export class SubgraphNotAnswering extends Error {
  constructor(readonly subgraph: string, silentMs: number) {
    super(`subgraph ${subgraph} has answered nothing for ${silentMs} ms`);
    this.name = 'SubgraphNotAnswering';
  }
}

/** probes get connections of their own, so a pool busy with long fetches never delays them */
const probeAgent = new Agent({ keepAliveTimeout: 10_000, connections: 2 });

interface InFlight {
  controller: AbortController;
  startedAt: number;
}

export interface Watch {
  signal: AbortSignal;
  /** the subgraph answered this fetch: it is alive */
  heard(): void;
  /** the fetch settled, whichever way */
  done(): void;
}

export class SubgraphLiveness {
  private readonly inFlight = new Set<InFlight>();
  private timer: NodeJS.Timeout | undefined;
  private probe: AbortController | undefined;
  private lastHeardAt = 0;
  private lastTickAt = 0;

  constructor(private readonly options: LivenessOptions) {}

  /** Registers a fetch; its signal is aborted if the subgraph stops answering. */
  watch(): Watch {
    const entry: InFlight = { controller: new AbortController(), startedAt: Date.now() };
    this.inFlight.add(entry);
    if (!this.timer) {
      this.lastHeardAt = this.lastTickAt = Date.now();
      this.timer = setInterval(() => this.tick(), this.options.intervalMs);
      this.timer.unref();
    }
    return {
      signal: entry.controller.signal,
      heard: () => this.heard(),
      done: () => {
        this.inFlight.delete(entry);
        if (this.inFlight.size === 0) this.idle();
      },
    };
  }

  private heard(): void {
    this.lastHeardAt = Date.now();
  }

  private idle(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.probe?.abort();
    this.probe = undefined;
  }

  private tick(): void {
    const now = Date.now();
    // this process could not run its timers meanwhile: that time is no one's silence
    const stalled = now - this.lastTickAt - this.options.intervalMs;
    if (stalled > this.options.intervalMs) this.lastHeardAt = Math.min(now, this.lastHeardAt + stalled);
    this.lastTickAt = now;
    if (!this.probe && [...this.inFlight].some((f) => now - f.startedAt >= this.options.intervalMs)) this.sendProbe();
    // after the poll phase: an answer already waiting in a socket is heard first
    setImmediate(() => this.abandonSilent());
  }

  private sendProbe(): void {
    const probe = new AbortController();
    this.probe = probe;
    const target = new URL(this.options.healthUrl);
    probeAgent
      .request({ origin: target.origin, path: target.pathname, method: 'GET', signal: probe.signal })
      .then(async (res) => {
        await res.body.dump();
        if (res.statusCode === 200) this.heard();
      })
      .catch(() => undefined)
      .finally(() => {
        if (this.probe === probe) this.probe = undefined;
      });
  }

  private abandonSilent(): void {
    const now = Date.now();
    const silentMs = now - this.lastHeardAt;
    if (silentMs < this.options.silenceMs) return;
    const reason = new SubgraphNotAnswering(this.options.name, silentMs);
    let abandoned = 0;
    for (const f of this.inFlight) {
      if (now - f.startedAt < this.options.silenceMs) continue;
      f.controller.abort(reason);
      this.inFlight.delete(f);
      abandoned++;
    }
    if (abandoned > 0) logWarning({ event: 'subgraph not answering', subgraph: this.options.name, silentMs, abandoned });
    if (this.inFlight.size === 0) this.idle();
  }
}
