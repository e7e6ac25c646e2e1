export type { Model, Operation } from './model.js';
export { checkOperations, type CheckOptions, type CheckResult, type CheckOutcome } from './checker.js';
export { kvModel, type KvInput, type KvOutput, type KvOperation } from './kv-model.js';
