const Sequencer = require('@jest/test-sequencer').default;

/**
 * Jest's order, but the suites that load the machine most run first. On two cores jest runs every
 * suite one after another in one process (maxWorkers 1: in band), so a suite late in the run
 * inherits a heap grown by ninety others and whatever they leave running; largeRequests — three
 * 500-subject profiles through six subgraphs and five stand-ins sharing this process — then ran
 * 2½ × as long as alone (114–134 s against 43 s) and its subgraphs and database pools timed out.
 * Jest's own order (last failures first, then longest, then largest file) is otherwise kept.
 */
const FIRST = ['test/largeRequests.test.ts'];

class HeavyFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const rank = (test) => {
      const i = FIRST.findIndex((suffix) => test.path.endsWith(suffix));
      return i === -1 ? FIRST.length : i;
    };
    // Array.prototype.sort is stable: the rest keep jest's order
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = HeavyFirstSequencer;
