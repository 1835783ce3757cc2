import { wrapText } from './wrapText';

describe(wrapText, () => {
  it('wraps words to the width, continuation lines under the first line after the prefix', () => {
    expect(wrapText('ab ', 'one two three four', 12)).toEqual(['ab one two', '   three', '   four']);
  });

  it('cuts a word longer than a line', () => {
    expect(wrapText('> ', 'x abcdefghij', 6)).toEqual(['> x', '  abcd', '  efgh', '  ij']);
  });

  it('keeps the prefix alone for empty text', () => {
    expect(wrapText('label', '')).toEqual(['label']);
  });
});
