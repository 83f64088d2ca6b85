import { PhaseGate } from '../PhaseGate';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('PhaseGate', () => {
  it('holds every follow-up until the last first step has answered, then starts them together', async () => {
    const gate = new PhaseGate();
    const firsts = [deferred<string>(), deferred<string>(), deferred<string>()];
    const started: string[] = [];
    const results = firsts.map((first, i) =>
      gate.run(
        () => first.promise,
        (a) => ({ followUp: () => (started.push(`${a}${i}`), Promise.resolve(`${a}${i}!`)) }),
      ),
    );
    firsts[0]!.resolve('a');
    firsts[2]!.resolve('c');
    await tick();
    expect(started).toEqual([]);
    firsts[1]!.resolve('b');
    expect(await Promise.all(results)).toEqual(['a0!', 'b1!', 'c2!']);
    expect(started).toEqual(['a0', 'c2', 'b1']);
  });

  it('answers at once without waiting for the others when the first step settles it', async () => {
    const gate = new PhaseGate();
    const slow = deferred<string>();
    const held = gate.run(() => slow.promise, () => ({ followUp: () => Promise.resolve('late') }));
    const quick = await gate.run(() => Promise.resolve('x'), (a) => ({ answer: a }));
    expect(quick).toBe('x');
    slow.resolve('y');
    expect(await held).toBe('late');
  });

  it('releases the held follow-ups when a first step fails, and rejects only that look-up', async () => {
    const gate = new PhaseGate();
    const failing = deferred<string>();
    const held = gate.run(() => Promise.resolve('ok'), () => ({ followUp: () => Promise.resolve('done') }));
    const failed = gate.run(() => failing.promise, (a) => ({ answer: a }));
    failing.reject(new Error('system down'));
    await expect(failed).rejects.toThrow('system down');
    expect(await held).toBe('done');
  });

  it('rejects a look-up whose follow-up throws synchronously', async () => {
    const gate = new PhaseGate();
    const result = gate.run(
      () => Promise.resolve('x'),
      () => ({
        followUp: () => {
          throw new Error('bad key');
        },
      }),
    );
    await expect(result).rejects.toThrow('bad key');
  });
});
