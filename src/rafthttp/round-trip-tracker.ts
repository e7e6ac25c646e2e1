/**
 * Matches heartbeats and appends sent to one follower with the follower's responses, to measure
 * round trips. Pure: times come in as arguments.
 */
import { FollowerStats } from './follower-stats.js';

const MAX_PENDING_APPENDS = 256;

export class RoundTripTracker {
  readonly stats = new FollowerStats();
  private heartbeatSentAt: number | null = null;
  /** Appends not yet answered: last index carried, and when it was written. */
  private appendIndexes: number[] = [];
  private appendTimes: number[] = [];

  heartbeatSent(now: number): void {
    this.heartbeatSentAt = now;
  }

  /** Records the answer to the last heartbeat; returns its round trip (ms), or null if none was pending. */
  heartbeatAnswered(now: number): number | null {
    if (this.heartbeatSentAt === null) return null;
    const rtt = now - this.heartbeatSentAt;
    this.stats.succeeded(rtt);
    this.heartbeatSentAt = null;
    return rtt;
  }

  appendSent(lastIndex: number, now: number): void {
    // A follower that answers nothing leaves the oldest appends pending; newer ones are not timed.
    if (this.appendIndexes.length >= MAX_PENDING_APPENDS) return;
    this.appendIndexes.push(lastIndex);
    this.appendTimes.push(now);
  }

  appendAnswered(index: number, rejected: boolean, now: number): void {
    if (rejected) {
      this.stats.failed();
      this.appendIndexes.length = 0;
      this.appendTimes.length = 0;
      return;
    }
    let n = 0;
    while (n < this.appendIndexes.length && this.appendIndexes[n] <= index) n++;
    if (n === 0) return;
    this.stats.succeeded(now - this.appendTimes[n - 1]);
    this.appendIndexes.splice(0, n);
    this.appendTimes.splice(0, n);
  }

  /** A message to the follower could not be delivered. */
  sendFailed(): void {
    this.stats.failed();
    this.heartbeatSentAt = null;
    this.appendIndexes.length = 0;
    this.appendTimes.length = 0;
  }
}
