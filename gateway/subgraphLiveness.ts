import { Agent } from 'undici';
import { logWarning } from '../lib/log';

/**
 * Whether a subgraph PROCESS still answers while fetches to it are in flight. A department that
 * hangs is the subgraph's to cut short (its legacy deadlines, SPEC §6); a subgraph process that
 * hangs — its event loop blocked, the process stopped, the host gone silent with the connection
 * open — answers nothing at all, and without this the consumer's request, its admission place and
 * its early fetches would wait for undici's five-minute header timeout.
 *
 * No fixed deadline on the fetch can tell that from honest work: a 500-subject batch on a slow
 * court may rightly take minutes. So the gateway asks the process itself: while a fetch to it has
 * been in flight for `intervalMs`, its `/healthz` is probed every `intervalMs` on a connection of
 * its own (never queued behind the busy ones), and after `misses` probes in a row unanswered
 * within `probeTimeoutMs` every fetch that was in flight since before the first of them is
 * abandoned. A busy process answers its health route between requests' work; a hung one does not.
 *
 * Behind a balancer (`npm run start:cluster`) the probe reaches whichever replica is up, so a
 * fetch held by a replica that hung is bounded by the balancer's `timeout server` instead, and
 * the balancer's own checks take that replica out.
 */

export interface LivenessOptions {
  /** the subgraph's name, for the log and the error */
  name: string;
  /** GET this; 200 is alive */
  healthUrl: string;
  /** a fetch in flight this long gets the process probed, every this often (SUBGRAPH_PROBE_INTERVAL_MS) */
  intervalMs: number;
  /** a probe not answered 200 within this is a miss (SUBGRAPH_PROBE_TIMEOUT_MS) */
  probeTimeoutMs: number;
  /** misses in a row before the fetches in flight are abandoned (3) */
  misses?: number;
}

/** The reason a fetch was abandoned: its subgraph's process stopped answering. */
export class SubgraphNotAnswering extends Error {
  constructor(readonly subgraph: string, silentMs: number) {
    super(`subgraph ${subgraph} has not answered its health route for ${silentMs} ms`);
    this.name = 'SubgraphNotAnswering';
  }
}

/** probes get connections of their own, so a pool busy with long fetches never delays them */
const probeAgent = new Agent({ keepAliveTimeout: 10_000, connections: 2 });

interface InFlight {
  controller: AbortController;
  startedAt: number;
}

export class SubgraphLiveness {
  private readonly inFlight = new Set<InFlight>();
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private missed = 0;
  /** when the first probe of the current run of misses was sent */
  private silentSince = 0;

  constructor(private readonly options: LivenessOptions) {}

  /** Registers a fetch; its signal is aborted if the process stops answering. Call `done` when it settles. */
  watch(): { signal: AbortSignal; done(): void } {
    const entry: InFlight = { controller: new AbortController(), startedAt: Date.now() };
    this.inFlight.add(entry);
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
      this.timer.unref();
    }
    return {
      signal: entry.controller.signal,
      done: () => {
        this.inFlight.delete(entry);
        if (this.inFlight.size === 0) this.idle();
      },
    };
  }

  private idle(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.missed = 0;
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    if (this.probing || ![...this.inFlight].some((f) => now - f.startedAt >= this.options.intervalMs)) return;
    this.probing = true;
    const sentAt = Date.now();
    const outcome = await this.probe();
    this.probing = false;
    if (outcome === 'alive') {
      this.missed = 0;
      return;
    }
    if (outcome === 'unmeasured') return;
    if (this.missed++ === 0) this.silentSince = sentAt;
    if (this.missed < (this.options.misses ?? 3)) return;
    const reason = new SubgraphNotAnswering(this.options.name, Date.now() - this.silentSince);
    let abandoned = 0;
    for (const f of this.inFlight) {
      // a fetch sent after the silence began may have reached a process that is back
      if (f.startedAt > this.silentSince) continue;
      f.controller.abort(reason);
      this.inFlight.delete(f);
      abandoned++;
    }
    logWarning({ event: 'subgraph not answering', subgraph: this.options.name, silentMs: Date.now() - this.silentSince, abandoned });
    this.missed = 0;
    if (this.inFlight.size === 0) this.idle();
  }

  /**
   * 'alive' (200), 'silent' (no 200 within the timeout, or refused), or 'unmeasured': THIS
   * process was too busy to tell — its own timer fired late (a long merge, a GC pause), so the
   * answer may be waiting unread in the socket. Deciding on the timer alone would abandon healthy
   * fetches whenever the gateway itself stalls; the first version did, in a loaded test run.
   */
  private async probe(): Promise<'alive' | 'silent' | 'unmeasured'> {
    const controller = new AbortController();
    const target = new URL(this.options.healthUrl);
    const answered = probeAgent
      .request({ origin: target.origin, path: target.pathname, method: 'GET', signal: controller.signal })
      .then(async (res) => {
        await res.body.dump();
        return res.statusCode === 200 ? ('alive' as const) : ('silent' as const);
      })
      .catch(() => 'silent' as const);
    const timeout = this.options.probeTimeoutMs;
    const due = performance.now() + timeout;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'silent' | 'unmeasured'>((resolve) => {
      // setImmediate runs after the poll phase: an answer already in the socket is read first
      timer = setTimeout(() => setImmediate(() => resolve(performance.now() - due > timeout / 2 ? 'unmeasured' : 'silent')), timeout);
    });
    const outcome = await Promise.race([answered, expired]);
    clearTimeout(timer);
    controller.abort();
    return outcome;
  }
}
