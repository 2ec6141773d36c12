// Get-Jobs / Get-Printer-Attributes answers → job and printer records: states, creation time on our
// clock, absent and out-of-band values as null, and `hidden` when other users' details are withheld.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobsFromResponse, printerFromResponse } from '../../dist/protocols/ipp/jobs.js';
import { TAG, decodeMessage, encodeMessage } from '../../dist/protocols/ipp/encoding.js';

const RECEIVED = new Date('2026-12-01T10:00:00.000Z');
const a = (name, tag, ...values) => ({ name, tag, values });
const jobGroup = (...attributes) => ({ name: 'job', tag: 2, attributes });
/** Through the encoder and decoder, so the records come from real bytes. */
const answer = (...groups) => decodeMessage(encodeMessage({ version: [2, 0], code: 0, requestId: 1, groups: [{ name: 'operation', tag: 1, attributes: [a('attributes-charset', TAG.charset, 'utf-8')] }, ...groups] }));

test('a full job: every field mapped; creation time from printer up-time (needs no agreement of clocks)', () => {
  const { jobs, hidden } = jobsFromResponse(
    answer(
      jobGroup(
        a('job-id', TAG.integer, 17),
        a('job-name', TAG.nameWithoutLanguage, 'payroll.pdf'),
        a('job-state', TAG.enum, 5),
        a('job-state-reasons', TAG.keyword, 'job-printing', 'job-incoming'),
        a('job-originating-user-name', TAG.nameWithLanguage, { lang: 'en', text: 'carol' }),
        a('job-originating-host-name', TAG.nameWithoutLanguage, '10.1.2.3'),
        a('time-at-creation', TAG.integer, 1000),
        a('job-printer-up-time', TAG.integer, 1090),
        a('date-time-at-creation', TAG.dateTime, new Date('2020-01-01T00:00:00Z')),
        a('job-impressions-completed', TAG.integer, 12),
        a('job-k-octets', TAG.integer, 300),
        a('job-media-sheets-completed', TAG.integer, 6),
      ),
    ),
    RECEIVED,
  );
  assert.equal(hidden, false);
  assert.deepEqual(jobs, [
    {
      id: 17,
      name: 'payroll.pdf',
      state: 'processing',
      stateReasons: ['job-printing', 'job-incoming'],
      user: 'carol',
      host: '10.1.2.3',
      createdAt: '2026-12-01T09:58:30.000Z',
      impressionsCompleted: 12,
      kOctets: 300,
      mediaSheetsCompleted: 6,
    },
  ]);
});

test('creation time falls back to date-time-at-creation, then to Unix time-at-creation, else null', () => {
  const { jobs } = jobsFromResponse(
    answer(
      jobGroup(a('job-id', TAG.integer, 1), a('date-time-at-creation', TAG.dateTime, new Date('2026-12-01T09:00:00Z')), a('time-at-creation', TAG.integer, 50)),
      jobGroup(a('job-id', TAG.integer, 2), a('time-at-creation', TAG.integer, 1796133686)),
      jobGroup(a('job-id', TAG.integer, 3), a('time-at-creation', TAG.integer, 50)),
      jobGroup(a('job-id', TAG.integer, 4)),
    ),
    RECEIVED,
  );
  assert.deepEqual(
    jobs.map((j) => j.createdAt),
    ['2026-12-01T09:00:00.000Z', '2026-12-01T14:01:26.000Z', null, null],
  );
});

test('job states by enum; an undefined enum is null; `none` reasons are an empty list', () => {
  const states = [3, 4, 5, 6, 7, 8, 9, 42];
  const { jobs } = jobsFromResponse(answer(...states.map((s, i) => jobGroup(a('job-id', TAG.integer, i + 1), a('job-state', TAG.enum, s), a('job-state-reasons', TAG.keyword, 'none')))), RECEIVED);
  assert.deepEqual(
    jobs.map((j) => j.state),
    ['pending', 'pending-held', 'processing', 'processing-stopped', 'canceled', 'aborted', 'completed', null],
  );
  assert.ok(jobs.every((j) => j.stateReasons.length === 0));
});

test('withheld details (absent, or out-of-band unknown) are null and set hidden; a job without job-id is left out', () => {
  const { jobs, hidden } = jobsFromResponse(
    answer(
      jobGroup(a('job-id', TAG.integer, 1), a('job-name', TAG.nameWithoutLanguage, 'mine.txt'), a('job-originating-user-name', TAG.nameWithoutLanguage, 'simplemon')),
      jobGroup(a('job-id', TAG.integer, 2), a('job-state', TAG.enum, 4)),
      jobGroup(a('job-id', TAG.integer, 3), a('job-name', TAG.nameWithoutLanguage, 'x'), a('job-originating-user-name', TAG.unknown, { outOfBand: 'unknown' })),
      jobGroup(a('job-name', TAG.nameWithoutLanguage, 'no id')),
    ),
    RECEIVED,
  );
  assert.equal(hidden, true);
  assert.deepEqual(
    jobs.map((j) => [j.id, j.name, j.user, j.host, j.impressionsCompleted]),
    [
      [1, 'mine.txt', 'simplemon', null, null],
      [2, null, null, null, null],
      [3, 'x', null, null, null],
    ],
  );
  assert.equal(jobsFromResponse(answer(jobGroup(a('job-id', TAG.integer, 1), a('job-name', TAG.nameWithoutLanguage, 'a'), a('job-originating-user-name', TAG.nameWithoutLanguage, 'b'))), RECEIVED).hidden, false);
});

test('printer attributes: state by enum, reasons, queued-job-count; absent ones null', () => {
  const p = printerFromResponse(
    answer({
      name: 'printer',
      tag: 4,
      attributes: [a('printer-name', TAG.nameWithoutLanguage, 'office'), a('printer-state', TAG.enum, 5), a('printer-state-reasons', TAG.keyword, 'media-jam-error', 'paused'), a('queued-job-count', TAG.integer, 3)],
    }),
  );
  assert.deepEqual(p, { name: 'office', state: 'stopped', stateReasons: ['media-jam-error', 'paused'], stateMessage: null, queuedJobCount: 3, makeAndModel: null });
});
