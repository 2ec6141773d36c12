// SNMPv3 DES privacy (RFC 3414 §8, CBC-DES) on an OpenSSL 3 that has moved single DES to its legacy
// provider: Node 20 then refuses "des-cbc" unless started with --openssl-legacy-provider, while old
// printers often speak only DES. Two-key triple DES in EDE mode with both halves equal computes
// E_K(D_K(E_K(x))) = E_K(x), i.e. single DES, and "des-ede-cbc" is in OpenSSL's default provider.
import { createCipheriv, createDecipheriv, getCiphers, randomBytes } from 'node:crypto';

type PasswordToKey = (authProtocol: string, password: string, engineID: Buffer) => Buffer;

let native: boolean | undefined;
/** Does this OpenSSL still do single DES? (Some builds list des-cbc but refuse it.) */
export function nativeDes(): boolean {
  if (native === undefined) {
    try {
      createCipheriv('des-cbc', Buffer.alloc(8), Buffer.alloc(8));
      native = getCiphers().includes('des-cbc');
    } catch {
      native = false;
    }
  }
  return native;
}

/** Single-DES CBC: the native cipher when present, else EDE with K1 = K2. */
export function desCipher(decrypt: boolean, key: Buffer, iv: Buffer) {
  if (nativeDes()) return decrypt ? createDecipheriv('des-cbc', key, iv) : createCipheriv('des-cbc', key, iv);
  const k = Buffer.concat([key, key]);
  return decrypt ? createDecipheriv('des-ede-cbc', k, iv) : createCipheriv('des-ede-cbc', k, iv);
}

/**
 * RFC 3414 §8.1.1.1: the DES key is the first 8 octets of the localized privacy key, the pre-IV the
 * next 8; the IV is pre-IV XOR salt, the salt is sent as msgPrivacyParameters.
 */
function keys(passwordToKey: PasswordToKey, authProtocol: string, privPassword: string, engineID: Buffer) {
  const localized = passwordToKey(authProtocol, privPassword, engineID);
  return { key: localized.subarray(0, 8), preIv: localized.subarray(8, 16) };
}

export function desEncrypt(passwordToKey: PasswordToKey, scopedPdu: Buffer, privPassword: string, authProtocol: string, engineID: Buffer, salt: Buffer = randomSalt()) {
  const { key, preIv } = keys(passwordToKey, authProtocol, privPassword, engineID);
  const iv = Buffer.from(preIv.map((b, i) => b ^ salt[i]));
  const padded = Buffer.alloc(Math.ceil(scopedPdu.length / 8) * 8);
  scopedPdu.copy(padded);
  const c = desCipher(false, key, iv);
  c.setAutoPadding(false);
  return { encryptedPdu: Buffer.concat([c.update(padded), c.final()]), msgPrivacyParameters: salt };
}

export function desDecrypt(passwordToKey: PasswordToKey, encryptedPdu: Buffer, salt: Buffer, privPassword: string, authProtocol: string, engineID: Buffer): Buffer {
  const { key, preIv } = keys(passwordToKey, authProtocol, privPassword, engineID);
  const iv = Buffer.from(preIv.map((b, i) => b ^ salt[i]));
  const d = desCipher(true, key, iv);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(encryptedPdu), d.final()]);
}

function randomSalt(): Buffer {
  // engine boots part (we keep no persistent engine state: 1), then 4 random octets
  return Buffer.concat([Buffer.from([0, 0, 0, 1]), randomBytes(4)]);
}

interface NetSnmpCrypto {
  PrivProtocols: Record<string, string>;
  Authentication: { passwordToKey: PasswordToKey };
  Encryption: { algorithms: Record<string, { encryptPdu: unknown; decryptPdu: unknown }> };
}

/** Route net-snmp's DES privacy through the functions above when this OpenSSL lacks des-cbc. */
export function installDesCompat(snmp: NetSnmpCrypto): boolean {
  if (nativeDes()) return false;
  const alg = snmp.Encryption?.algorithms?.[snmp.PrivProtocols?.des];
  const p2k = snmp.Authentication?.passwordToKey;
  if (!alg || !p2k) return false;
  alg.encryptPdu = (scopedPdu: Buffer, _priv: string, privPassword: string, authProtocol: string, engine: { engineID: Buffer }) =>
    desEncrypt(p2k, scopedPdu, privPassword, authProtocol, engine.engineID);
  alg.decryptPdu = (encryptedPdu: Buffer, _priv: string, privParameters: Buffer, privPassword: string, authProtocol: string, engine: { engineID: Buffer }) =>
    desDecrypt(p2k, encryptedPdu, privParameters, privPassword, authProtocol, engine.engineID);
  return true;
}
