import { nearestName } from './nearestName';

describe(nearestName, () => {
  it.each([
    ['connetions', 'connections'],
    ['retires', 'retry'],
    ['maxbatchsize', 'maxBatchSize'],
  ])('suggests %s → %s', (typo, expected) => {
    expect(nearestName(typo, ['connections', 'retry', 'maxBatchSize', 'pool'])).toBe(expected);
  });

  it('when nothing is close, suggests nothing', () => {
    expect(nearestName('completely', ['pool', 'retry'])).toBeUndefined();
  });
});
