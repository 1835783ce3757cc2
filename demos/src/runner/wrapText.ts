/** The widest line the demo prints (results and progress alike). */
export const OUTPUT_WIDTH = 100;

/**
 * Word-wraps `text` to `width` columns: the first line starts with `prefix`, the next ones are
 * indented by its length. A word longer than a line is cut (a URL, a long error token).
 */
export function wrapText(prefix: string, text: string, width: number = OUTPUT_WIDTH): string[] {
  const indent = ' '.repeat(prefix.length);
  const room = Math.max(1, width - prefix.length);
  const lines: string[] = [];
  let line = '';
  const flush = (): void => {
    lines.push(`${lines.length === 0 ? prefix : indent}${line}`.trimEnd());
    line = '';
  };
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > room) {
      if (line !== '') flush();
      line = word.slice(0, room);
      word = word.slice(room);
      flush();
    }
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= room) line += ` ${word}`;
    else {
      flush();
      line = word;
    }
  }
  if (line !== '' || lines.length === 0) flush();
  return lines;
}
