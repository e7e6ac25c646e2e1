/** Log lines on standard error, in etcd 3.4's capnslog layout: `2006-01-02 15:04:05.000000 I | pkg: text`. */
export class ServerLog {
  constructor(private readonly write: (line: string) => void = (line) => process.stderr.write(line)) {}

  private line(level: string, pkg: string, text: string): void {
    const d = new Date();
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const stamp = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
    this.write(`${stamp} ${level} | ${pkg}: ${text}\n`);
  }

  info(pkg: string, text: string): void { this.line('I', pkg, text); }
  warn(pkg: string, text: string): void { this.line('W', pkg, text); }
  error(pkg: string, text: string): void { this.line('E', pkg, text); }
  fatal(pkg: string, text: string): void { this.line('C', pkg, text); }
}
