// The words the network checks use: durations, socket errors, and URLs with their password hidden.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, describeNetError, hostPort } from '../../dist/protocols/net-errors.js';
import { redactUrl } from '../../dist/protocols/http/check-http.js';

const errno = (code, message = `x ${code}`) => Object.assign(new Error(message), { code });

describe('network check wording', () => {
  test('formatDuration() writes ms below a second, seconds with one decimal above', () => {
    assert.deepEqual([300, 800, 1000, 1500, 2000, 30_000].map(formatDuration), ['300ms', '800ms', '1s', '1.5s', '2s', '30s']);
  });

  test('describeNetError() names the peer and says what happened', () => {
    assert.equal(describeNetError(errno('ECONNREFUSED'), '127.0.0.1:25'), 'connection refused by 127.0.0.1:25');
    assert.equal(describeNetError(errno('ENOTFOUND'), 'mail.example.com:25'), 'mail.example.com does not resolve');
    assert.equal(describeNetError(errno('ENOTFOUND'), '[2001:db8::1]:25'), '2001:db8::1 does not resolve');
    assert.equal(describeNetError(errno('EHOSTUNREACH'), '10.0.0.1:80'), 'no route to 10.0.0.1:80 (host unreachable)');
    assert.equal(describeNetError(errno('EPROTO', 'wrong version number'), 'h:443'), 'h:443: wrong version number (EPROTO)');
    assert.equal(describeNetError(new Error('odd'), 'h:1'), 'h:1: odd');
  });

  test('hostPort() brackets IPv6 literals', () => {
    assert.equal(hostPort('127.0.0.1', 80), '127.0.0.1:80');
    assert.equal(hostPort('::1', 80), '[::1]:80');
  });

  test('redactUrl() hides the password, keeps the user, and copes with text that is not a URL', () => {
    assert.equal(redactUrl('https://monitor:S3cret@intranet.example.com/health'), 'https://monitor:***@intranet.example.com/health');
    assert.equal(redactUrl('https://intranet.example.com/'), 'https://intranet.example.com/');
    assert.equal(redactUrl('//u:S3cret@host bad url'), '//u:***@host bad url');
  });
});
