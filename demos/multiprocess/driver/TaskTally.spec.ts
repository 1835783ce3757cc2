import { TaskTally, TallyTimeoutError } from './TaskTally';

describe(TaskTally, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const tallyOf = (published: number): TaskTally => {
    const tally = new TaskTally();
    for (let i = 0; i < published; i++) tally.published();
    return tally;
  };

  describe('.lost', () => {
    it('when tasks failed, counts them as failed, not lost (regression: failures made the run exit 1)', () => {
      const tally = tallyOf(4);
      tally.completed('a');
      tally.failed('b');
      expect(tally).toMatchObject({ publishedCount: 4, distinctCompleted: 1, failedOnly: 1, lost: 2 });
    });

    it('when a failed task is redelivered and completes, counts it as completed only', () => {
      const tally = tallyOf(2);
      tally.failed('a');
      tally.completed('a');
      tally.completed('a');
      tally.completed('b');
      expect(tally).toMatchObject({ completions: 3, distinctCompleted: 2, failedOnly: 0, lost: 0 });
    });
  });

  describe('.whenSettled()', () => {
    it('when every published task completed or failed, resolves', async () => {
      const tally = tallyOf(2);
      const settled = tally.whenSettled(1_000);
      tally.completed('a');
      tally.failed('b');
      await expect(settled).resolves.toBeUndefined();
      expect(jest.getTimerCount()).toBe(0);
    });

    it('when a task never settles, rejects with TallyTimeoutError after timeoutMs', async () => {
      const tally = tallyOf(2);
      const settled = tally.whenSettled(1_000);
      tally.completed('a');
      jest.advanceTimersByTime(1_000);
      await expect(settled).rejects.toBeInstanceOf(TallyTimeoutError);
    });
  });

  describe('.whenCompleted()', () => {
    it('when the count is reached, resolves; failures do not count', async () => {
      const tally = tallyOf(3);
      let done = false;
      const reached = tally.whenCompleted(2, 1_000).then(() => (done = true));
      tally.completed('a');
      tally.failed('b');
      await Promise.resolve();
      expect(done).toBe(false);
      tally.completed('c');
      await reached;
      expect(done).toBe(true);
    });
  });
});
