/**
 * Messages and bytes per second, as etcd's self stats report them (sendPkgRate, sendBandwidthRate,
 * recvPkgRate, recvBandwidthRate): the counts of the last whole one-second window. Pure: times
 * come in as arguments (ms).
 */
const WINDOW_MS = 1000;

export class RateWindow {
  private start = Number.NEGATIVE_INFINITY;
  private messages = 0;
  private bytes = 0;
  private lastMessages = 0;
  private lastBytes = 0;

  record(messages: number, bytes: number, now: number): void {
    this.roll(now);
    this.messages += messages;
    this.bytes += bytes;
  }

  /** Messages and bytes per second over the last whole window (0 once it is older than a window). */
  rate(now: number): { messages: number; bytes: number } {
    this.roll(now);
    return { messages: this.lastMessages, bytes: this.lastBytes };
  }

  private roll(now: number): void {
    if (now - this.start < WINDOW_MS) return;
    const adjacent = now - this.start < 2 * WINDOW_MS;
    this.lastMessages = adjacent ? this.messages : 0;
    this.lastBytes = adjacent ? this.bytes : 0;
    this.messages = 0;
    this.bytes = 0;
    this.start = adjacent ? this.start + WINDOW_MS : now;
  }
}
