/** What the transport has sent and received, for /v2/stats/self and metrics. */
export interface TransportCounters {
  /** Append messages (MsgApp) received from peers. */
  recvAppendRequestCnt: number;
  /** Append messages (MsgApp) written to peers. */
  sendAppendRequestCnt: number;
  /** All messages received from peers. */
  recvMessages: number;
  /** All messages written to peers. */
  sendMessages: number;
  /** Bytes of message frames received (snapshots included). */
  recvBytes: number;
  /** Bytes of message frames written (snapshots included). */
  sendBytes: number;
  /** Messages dropped because their peer was unreachable or its queue was full. */
  droppedMessages: number;
}

export function emptyCounters(): TransportCounters {
  return {
    recvAppendRequestCnt: 0, sendAppendRequestCnt: 0, recvMessages: 0, sendMessages: 0,
    recvBytes: 0, sendBytes: 0, droppedMessages: 0,
  };
}

/** What the transport counts for one peer. */
export interface PeerCounters {
  /** Bytes of message frames and snapshots written to the peer. */
  readonly sentBytes: number;
  /** Bytes of message frames and snapshots received from the peer. */
  readonly receivedBytes: number;
  /** Messages dropped for the peer (unreachable, queue full, snapshot failed). */
  readonly sentFailures: number;
  /** Streams from the peer closed as faulty or silent, and snapshots from it refused. */
  readonly receivedFailures: number;
  /** Whether the outbound stream to the peer is open now. */
  readonly connected: boolean;
  /** Times the outbound stream broke after it had been open. */
  readonly disconnects: number;
}
