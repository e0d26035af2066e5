/**
 * Runs the calls that arrive while one batch is in flight as the next batch: no timer, so a quiet instance answers
 * a lone call at once and a busy one pays one round trip for many (the audit log's group commit, the session lookups
 * of the requests in flight). `run` answers every input of a batch, in order, each with its own outcome; if it throws,
 * every call of the batch fails with that error.
 */
export class GroupRunner<I, O> {
  private queue: { input: I; resolve: (output: O) => void; reject: (error: unknown) => void }[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly run: (inputs: I[]) => Promise<PromiseSettledResult<O>[]>,
    private readonly max: number,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves when no batch is running (e.g. before the connection the batches use is closed). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.max);
        try {
          const outcomes = await this.run(batch.map((call) => call.input));
          batch.forEach((call, i) => {
            const outcome = outcomes[i];
            if (outcome?.status === 'fulfilled') call.resolve(outcome.value);
            else call.reject(outcome ? outcome.reason : new Error('a batch answered fewer calls than it was given'));
          });
        } catch (error) {
          for (const call of batch) call.reject(error);
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}
