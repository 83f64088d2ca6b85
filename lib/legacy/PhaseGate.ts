/**
 * Two-step legacy look-ups whose second step depends on the first's answer: tax asks by the likely
 * 纳税人识别号, then asks for the misses by the other form; customs maps USCC → 海关编码, then reads the
 * CSV by 海关编码. SPEC §9.2 wants the second step batched over ALL the first step's answers of
 * the request, but a DataLoader with maxBatchSize splits the first step into several calls that
 * answer at different times, so loading the second step as each answer arrives would cut it
 * into as many partial batches.
 *
 * A gate (one per request, like its loaders) holds every second step until each look-up begun
 * through it has had its first answer, then starts them all in one synchronous pass, so they
 * land in the same DataLoader batches.
 */

export type PhaseDecision<B> =
  /** the first step settled it */
  | { answer: B }
  /** ask further; called once the gate opens, and must call its loader synchronously */
  | { followUp: () => Promise<B> };

export class PhaseGate {
  /** look-ups begun whose first step has not answered yet */
  private undecided = 0;
  private held: (() => void)[] = [];

  async run<A, B>(first: () => Promise<A>, decide: (firstAnswer: A) => PhaseDecision<B>): Promise<B> {
    this.undecided += 1;
    let decision: PhaseDecision<B>;
    try {
      decision = decide(await first());
    } catch (e) {
      this.settle();
      throw e;
    }
    if ('answer' in decision) {
      this.settle();
      return decision.answer;
    }
    const { followUp } = decision;
    // Registered before settling: if this was the last first step, it is released right away.
    const result = new Promise<B>((resolve, reject) => {
      this.held.push(() => {
        try {
          followUp().then(resolve, reject);
        } catch (e) {
          reject(e);
        }
      });
    });
    this.settle();
    return result;
  }

  private settle(): void {
    this.undecided -= 1;
    if (this.undecided > 0) return;
    const release = this.held;
    this.held = [];
    for (const start of release) start();
  }
}
