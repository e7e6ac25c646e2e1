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
