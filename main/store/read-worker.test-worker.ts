/** A read worker for read-worker.test.ts: counts readings, refuses, or fails, as the request says. */
import { CallFailure } from '../../common/errors';
import { serveReads } from './serve-reads';

export type TestRead = { kind: 'count' } | { kind: 'refuse' } | { kind: 'fail' };

serveReads<TestRead>((db, request) => {
  if (request.kind === 'refuse') throw new CallFailure('bad_request', 'more than 200000 journal entries in this range; ask for a shorter range');
  if (request.kind === 'fail') throw new Error('no such table: nowhere');
  return { value: db.prepare('SELECT count(*) FROM readings').pluck().get() };
});
