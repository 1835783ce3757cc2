import { InvalidTopicError } from '../errors/InvalidTopicError';

/**
 * A compiled subscription pattern: dotted tokens where `*` matches exactly one token and a
 * last `>` one or more tokens (NATS semantics).
 */
export class TopicPattern {
  private readonly tokens: readonly string[];
  private readonly tail: boolean;

  constructor(readonly pattern: string) {
    const tokens = pattern.split('.');
    tokens.forEach((token, i) => {
      if (token === '') throw new InvalidTopicError(pattern, 'empty token');
      if (token === '>' && i !== tokens.length - 1) throw new InvalidTopicError(pattern, '`>` must be last');
      if (token !== '*' && token !== '>' && /[*>\s]/.test(token)) {
        throw new InvalidTopicError(pattern, `token "${token}" mixes a wildcard or whitespace with text`);
      }
    });
    this.tail = tokens[tokens.length - 1] === '>';
    this.tokens = this.tail ? tokens.slice(0, -1) : tokens;
  }

  /** Whether the concrete `topic` matches this pattern. */
  matches(topic: string): boolean {
    const parts = topic.split('.');
    if (this.tail ? parts.length <= this.tokens.length : parts.length !== this.tokens.length) return false;
    return this.tokens.every((token, i) => token === '*' || token === parts[i]);
  }

  /** Throws `InvalidTopicError` unless `topic` is concrete: non-empty tokens, no wildcards. */
  static assertConcrete(topic: string): void {
    for (const token of topic.split('.')) {
      if (token === '') throw new InvalidTopicError(topic, 'empty token');
      if (/[*>\s]/.test(token))
        throw new InvalidTopicError(topic, 'a published topic cannot hold wildcards or whitespace');
    }
  }
}
