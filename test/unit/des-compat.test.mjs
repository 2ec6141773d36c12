// Single DES through 3DES-EDE with equal halves, checked against the classic DES known answer
// (FIPS 46 worked example: key 133457799BBCDFF1, plaintext 0123456789ABCDEF → 85E813540F0AB405).
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { desCipher, desEncrypt, desDecrypt } from '../../dist/protocols/snmp/des-compat.js';

test('desCipher() computes single DES: the FIPS 46 known answer', () => {
  const c = desCipher(false, Buffer.from('133457799BBCDFF1', 'hex'), Buffer.alloc(8));
  c.setAutoPadding(false);
  assert.equal(Buffer.concat([c.update(Buffer.from('0123456789ABCDEF', 'hex')), c.final()]).toString('hex'), '85e813540f0ab405');
});

test('desEncrypt()/desDecrypt() round-trip a scoped PDU with RFC 3414 key and IV derivation, padding to 8 octets', () => {
  const p2k = (auth, pw, engineID) => createHash('md5').update(pw).update(engineID).digest(); // a stand-in localized key
  const pdu = Buffer.from('300e0201000409636f6c6f7572', 'hex');
  const salt = Buffer.from('0000000112345678', 'hex');
  const { encryptedPdu, msgPrivacyParameters } = desEncrypt(p2k, pdu, 'privkey-123', 'md5', Buffer.from('80001f8880', 'hex'), salt);
  assert.equal(encryptedPdu.length, 16);
  assert.deepEqual(msgPrivacyParameters, salt);
  const back = desDecrypt(p2k, encryptedPdu, salt, 'privkey-123', 'md5', Buffer.from('80001f8880', 'hex'));
  assert.deepEqual(back.subarray(0, pdu.length), pdu);
  const other = desDecrypt(p2k, encryptedPdu, salt, 'wrong-key-1', 'md5', Buffer.from('80001f8880', 'hex'));
  assert.notDeepEqual(other.subarray(0, pdu.length), pdu);
});
