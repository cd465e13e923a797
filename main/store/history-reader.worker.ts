/** Worker thread of the history reader (history-reader.ts): readings.history on its own read-only connection. */
import { queryHistory, type HistoryRequest } from './history';
import { packedBuffers, packHistory } from './history-pack';
import { serveReads } from './serve-reads';

serveReads<HistoryRequest>((db, request) => {
  const packed = packHistory(queryHistory(db, request));
  return { value: packed, transfer: packedBuffers(packed) };
});
