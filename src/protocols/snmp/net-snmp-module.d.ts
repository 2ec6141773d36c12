// net-snmp has no .d.ts; net-snmp.ts types the subset simplemon uses (NetSnmp) and casts to it.
declare module 'net-snmp' {
  const netSnmp: unknown;
  export default netSnmp;
}
