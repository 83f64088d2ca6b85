import { HeaderMap } from '@apollo/server';
import { clientError } from '../lib/errors';
import { metrics } from '../lib/observability/metrics';
import type { GatewayPlugin } from './plugin';
import { subjectsOfRequest } from './subjectCount';

/**
 * How many subjects the gateway works on at once. A request's memory grows with its subjects —
 * measured: `subjects(usccs:)` with 500 full profiles needs ~100 MB of heap at its peak, beside
 * ~40 MB for everything else — so a few such requests at once would exhaust any fixed heap and
 * crash the process with every request in it. Requests are admitted while the subjects in flight
 * stay within `maxSubjectsInFlight`; a larger one waits its turn (first come, first served) for
 * at most `maxWaitMs`, then gets HTTP 503 with Retry-After. A request for a few subjects — what a
 * portal page or a service hall asks — never waits behind a batch job: it is admitted at once.
 */

export interface AdmissionOptions {
  /** subjects in flight at once; at least the largest request (500) */
  maxSubjectsInFlight: number;
  /** requests of at most this many subjects are admitted at once (they still count) */
  smallRequestSubjects?: number;
  /** most a large request waits for its turn */
  maxWaitMs?: number;
}

export const DEFAULT_SMALL_REQUEST_SUBJECTS = 10;
export const DEFAULT_ADMISSION_WAIT_MS = 30_000;

interface Waiter {
  weight: number;
  admit(): void;
  timer: NodeJS.Timeout;
}

/** One request's place: waiting, admitted (holding its weight) or done. */
interface Ticket {
  weight: number;
  phase: 'waiting' | 'admitted' | 'done';
}

export interface Admission extends GatewayPlugin {
  /** subjects of the requests admitted and not yet answered */
  readonly inFlight: number;
  /** large requests waiting for their turn */
  readonly waiting: number;
}

export function useAdmission(options: AdmissionOptions): Admission {
  const { maxSubjectsInFlight } = options;
  const small = options.smallRequestSubjects ?? DEFAULT_SMALL_REQUEST_SUBJECTS;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_ADMISSION_WAIT_MS;
  if (!Number.isInteger(maxSubjectsInFlight) || maxSubjectsInFlight < 1) {
    throw new Error(`useAdmission: maxSubjectsInFlight must be a whole number ≥ 1, got ${maxSubjectsInFlight}`);
  }
  if (!(maxWaitMs > 0)) throw new Error(`useAdmission: maxWaitMs must be > 0, got ${maxWaitMs}`);

  let inFlight = 0;
  const queue: Waiter[] = [];
  const fits = (weight: number) => inFlight === 0 || inFlight + weight <= maxSubjectsInFlight;

  /** admits waiting requests in order while the head fits (no overtaking: the largest would starve) */
  function drain(): void {
    while (queue.length > 0 && fits(queue[0]!.weight)) {
      const next = queue.shift()!;
      clearTimeout(next.timer);
      inFlight += next.weight;
      next.admit();
    }
  }

  function leaveQueue(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    const at = queue.indexOf(waiter);
    if (at >= 0) queue.splice(at, 1);
    drain();
  }

  /** resolves once the ticket holds its weight; rejects with SERVICE_BUSY after maxWaitMs */
  function admit(ticket: Ticket): Promise<void> {
    if (ticket.weight <= small || (queue.length === 0 && fits(ticket.weight))) {
      inFlight += ticket.weight;
      ticket.phase = 'admitted';
      return Promise.resolve();
    }
    const queuedAt = performance.now();
    const waited = (outcome: 'admitted' | 'refused') => metrics.admissionWaits.observe({ outcome }, (performance.now() - queuedAt) / 1000);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        weight: ticket.weight,
        admit: () => {
          ticket.phase = 'admitted';
          waited('admitted');
          resolve();
        },
        timer: setTimeout(() => {
          ticket.phase = 'done';
          waited('refused');
          leaveQueue(waiter);
          reject(
            clientError('SERVICE_BUSY', 'the gateway is busy with other large requests; try again in a few seconds', {
              http: { status: 503, headers: new HeaderMap([['retry-after', String(Math.ceil(maxWaitMs / 6000))]]) },
            }),
          );
        }, maxWaitMs),
      };
      queue.push(waiter);
    });
  }

  /** the response is going out: give back the weight */
  function finish(ticket: Ticket): void {
    if (ticket.phase === 'admitted') {
      inFlight -= ticket.weight;
      drain();
    }
    ticket.phase = 'done';
  }

  return {
    name: 'admission',
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return queue.length;
    },
    // Listed after the query limits, which run first (composePlugins awaits each onOperation in
    // turn): a request they refuse never takes a place in the queue.
    async onOperation(requestContext) {
      // the same count the subject limit refuses by: what the operation will execute
      const ticket: Ticket = { weight: Math.max(1, subjectsOfRequest(requestContext)), phase: 'waiting' };
      await admit(ticket);
      return () => finish(ticket);
    },
  };
}
