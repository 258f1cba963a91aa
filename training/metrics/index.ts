/** Metrics as rxjs streams: typed events, the bus a trainer emits on, and the sinks. */
export * from './events.js';
export { MetricBus, decouple, type MetricBusOptions } from './bus.js';
export { BufferedWriter, subscribeSink, type Sink, type WriteTarget } from './sinks/common.js';
export { jsonlSink, type JsonlSinkOptions } from './sinks/jsonl.js';
export { csvSink, csvCell, csvLine, parseCsvLine, flattenEvent, DEFAULT_CSV_KINDS, type CsvSinkOptions } from './sinks/csv.js';
export {
  progressSink,
  formatBar,
  formatTtyLine,
  formatPlainLine,
  formatNotice,
  initialProgress,
  reduceProgress,
  progressRate,
  etaMs,
  type ProgressSinkOptions,
  type ProgressState,
} from './sinks/progress.js';
export { formatCount, formatEta } from './format.js';
export { attachSinks, isInteractive, type AttachSinksOptions } from './sinks/attach.js';
