import { TopicPattern } from './TopicPattern';

describe(TopicPattern, () => {
  describe('.matches()', () => {
    it.each([
      ['network.*', 'network.optimize', true],
      ['network.*', 'network.breaker.opened', false],
      ['network.*', 'network', false],
      ['network.>', 'network.breaker.opened', true],
      ['network.>', 'network', false],
      ['*.breaker.*', 'network.breaker.opened', true],
      ['>', 'anything.at.all', true],
      ['agent.started', 'agent.started', true],
      ['agent.started', 'agent.stopped', false],
    ])('%s against %s is %s', (pattern, topic, expected) => {
      expect(new TopicPattern(pattern).matches(topic)).toBe(expected);
    });
  });

  describe('constructor', () => {
    it.each([
      ['a..b', 'empty token'],
      ['a.>.b', '`>` must be last'],
      ['a.b*', 'mixes a wildcard'],
      ['', 'empty token'],
    ])('when the pattern is %j, throws InvalidTopicError (%s)', (pattern, reason) => {
      expect(() => new TopicPattern(pattern)).toThrow(reason);
    });
  });

  describe('.assertConcrete()', () => {
    it('when the topic holds a wildcard, throws', () => {
      expect(() => TopicPattern.assertConcrete('a.*')).toThrow('cannot hold wildcards');
      expect(() => TopicPattern.assertConcrete('a.b')).not.toThrow();
    });
  });
});
