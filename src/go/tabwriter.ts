/**
 * Go's text/tabwriter: tab-terminated cells are aligned into columns, column by column in blocks
 * of consecutive lines that have a cell in that column. This is the algorithm of Go's package
 * (format/writeLines/writePadding) for the flag set 0 (left-aligned, no HTML filtering, no
 * discarding of empty columns), which is what fleetctl, etcdctl v3 and rkt use.
 *
 * fleetctl's settings are minwidth 0, tabwidth 8, padding 1, padchar '\t': each column is as wide
 * as its widest cell plus one, rounded up to a multiple of 8, and cells are padded with TABs.
 */

export interface TabWriterOptions {
  minwidth: number;
  tabwidth: number;
  padding: number;
  /** One character; '\t' pads with tabs (widths rounded to tabwidth). */
  padchar: string;
}

/** fleetctl's (and etcdctl v3's) settings: minwidth 0, tabwidth 8, padding 1, padchar '\t'. */
export const FLEETCTL_TABWRITER: TabWriterOptions = { minwidth: 0, tabwidth: 8, padding: 1, padchar: '\t' };

interface Cell {
  /** The cell's text. */
  text: string;
  /** Width in runes (Go counts UTF-8 runes). */
  width: number;
  /** Terminated by a horizontal tab (as opposed to \v, \n, \f or end of text). */
  htab: boolean;
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

/**
 * A buffering tab writer. Text is kept until a line ends whose cells cannot affect later lines
 * (a line with a single cell), a form feed, or flush(); then it is formatted and handed to `sink`.
 */
export class TabWriter {
  private lines: Cell[][] = [[]];
  private cellText = '';
  private widths: number[] = [];
  private out: string[] = [];

  constructor(
    private readonly sink: (text: string) => void,
    private readonly options: TabWriterOptions = FLEETCTL_TABWRITER,
  ) {}

  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch !== '\t' && ch !== '\v' && ch !== '\n' && ch !== '\f') continue;
      this.cellText += text.slice(start, i);
      start = i + 1;
      const ncells = this.terminateCell(ch === '\t');
      if (ch === '\n' || ch === '\f') {
        this.lines.push([]);
        if (ch === '\f' || ncells === 1) this.flush();
      }
    }
    this.cellText += text.slice(start);
  }

  /** Formats and emits everything buffered (the pending partial line too). */
  flush(): void {
    if (this.cellText.length > 0) this.terminateCell(false);
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.cellText = '';
    this.widths = [];
    const text = this.out.join('');
    this.out = [];
    if (text !== '') this.sink(text);
  }

  private terminateCell(htab: boolean): number {
    const line = this.lines[this.lines.length - 1]!;
    line.push({ text: this.cellText, width: runeCount(this.cellText), htab });
    this.cellText = '';
    return line.length;
  }

  private format(line0In: number, line1: number): void {
    let line0 = line0In;
    const column = this.widths.length;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= this.lines[cur]!.length - 1) continue;
      // A cell in this column: print the lines before it, then size the block.
      this.writeLines(line0, cur);
      line0 = cur;
      let width = this.options.minwidth;
      for (; cur < line1; cur++) {
        const line = this.lines[cur]!;
        if (column >= line.length - 1) break;
        const w = line[column]!.width + this.options.padding;
        if (w > width) width = w;
      }
      this.widths.push(width);
      this.format(line0, cur);
      this.widths.pop();
      line0 = cur;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i]!;
      line.forEach((c, j) => {
        if (c.text !== '') this.out.push(c.text);
        if (j < this.widths.length) this.writePadding(c.width, this.widths[j]!);
      });
      // The last buffered line has no newline of its own (its text is still pending).
      if (i + 1 < this.lines.length) this.out.push('\n');
    }
  }

  private writePadding(textw: number, cellwIn: number): void {
    const { tabwidth, padchar } = this.options;
    if (padchar === '\t') {
      if (tabwidth === 0) return;
      const cellw = Math.ceil(cellwIn / tabwidth) * tabwidth;
      const n = cellw - textw;
      this.out.push('\t'.repeat(Math.ceil(n / tabwidth)));
      return;
    }
    this.out.push(padchar.repeat(Math.max(0, cellwIn - textw)));
  }
}

/** Formats a whole text at once with the given settings (fleetctl's by default). */
export function tabwriterFormat(text: string, options: TabWriterOptions = FLEETCTL_TABWRITER): string {
  let out = '';
  const w = new TabWriter((t) => (out += t), options);
  w.write(text);
  w.flush();
  return out;
}
