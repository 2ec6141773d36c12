// Plain SNMP types shared by the session and every source that reads SNMP (printers today; a UPS or a
// switch could reuse them). No net-snmp types leak out of this folder.

/** How to talk to an agent: v1/v2c with a community, or v3 USM. */
export type SnmpConfig =
  | { version: '1' | '2c'; community: string }
  | {
      version: '3';
      user: string;
      context: string;
      auth: { protocol: 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512'; key: string } | null;
      priv: { protocol: 'des' | 'aes' | 'aes256b' | 'aes256r'; key: string } | null;
    };

/**
 * A varbind's syntax, independent of net-snmp's numeric constants. `noSuchObject`,
 * `noSuchInstance` and `endOfMibView` are the SNMPv2 exceptions; a missing OID may also simply be
 * left out of the input.
 */
export type RawType =
  | 'integer'
  | 'octets'
  | 'oid'
  | 'ipAddress'
  | 'counter32'
  | 'gauge32'
  | 'timeTicks'
  | 'counter64'
  | 'opaque'
  | 'null'
  | 'noSuchObject'
  | 'noSuchInstance'
  | 'endOfMibView'
  | 'unknown';

/** One varbind as received. `value`: number for integer types, bytes for octets/opaque/counter64, dotted string for oid/ipAddress. */
export interface RawVarbind {
  oid: string;
  type: RawType;
  value: unknown;
}

