/**
 * A sequential specification the checker searches against (in the style of Porcupine's model):
 * operations are split into independent partitions, and each partition is replayed from `init`.
 */
export interface Model<State, Input, Output> {
  /** Splits a history into independent sub-histories (for a key-value store: one per key). */
  partition(ops: Operation<Input, Output>[]): Operation<Input, Output>[][];
  init(): State;
  /**
   * Applies `input` to `state`. `output` is what the operation returned, or undefined if its outcome
   * is unknown (then any outcome is acceptable). Returns whether that output is possible and the
   * resulting state.
   */
  step(state: State, input: Input, output: Output | undefined): { ok: boolean; state: State };
  /** A string that is equal for equal states (used to memoize visited configurations). */
  key(state: State): string;
  /** True for inputs that never change the state (reads); unknown ones are dropped from the search. */
  readOnly?(input: Input): boolean;
  describe?(op: Operation<Input, Output>): string;
}

/** One client operation of a history, with its invocation and response times. */
export interface Operation<Input, Output> {
  clientId: number;
  input: Input;
  /** undefined when the outcome is unknown (timeout, lost connection): it may or may not have happened. */
  output: Output | undefined;
  call: number;
  /** Response time; ignored (treated as never) when the outcome is unknown. */
  return: number;
}
