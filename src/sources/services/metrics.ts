// The `metrics` object of a service in `status --json` (README: JSON contract). `null` where a field
// does not apply to the check's type (no status code for a ping) or no value came (no answer).

export type ServiceType = 'http' | 'tcp' | 'ping' | 'dns';

export interface ServiceMetrics {
  type: ServiceType;
  /** What is checked: the URL (password shown as ***), host:port, the host, or the DNS name. */
  target: string;
  /** The check passed: answered, with the expected status, keyword, certificate and answer. */
  up: boolean;
  /** HTTP: the final response's status code. */
  statusCode: number | null;
  /** HTTP: to the final response (or the end of the keyword search); TCP: connect; DNS: the reply; ping: the average round trip. */
  latencyMs: number | null;
  /** HTTPS: days until the leaf certificate expires (one decimal, negative once expired). */
  certDaysLeft: number | null;
  /** HTTP with keyword (else keyword-absent): whether it was found in the body. */
  keywordFound: boolean | null;
  /** Ping: percent of echo requests without a reply. */
  lossPercent: number | null;
  rttAvgMs: number | null;
  rttMaxMs: number | null;
  /** HTTP: redirects followed. */
  redirects: number | null;
  /** DNS: the answer's values (A/AAAA addresses, CNAME targets, "10 mx.example.com", TXT strings). */
  answer: string[] | null;
  /** Why the check failed (the `up` rule's message); null when up. */
  error: string | null;
}
