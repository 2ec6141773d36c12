// Metric shapes per device kind: the `metrics` object of `status --json` (the JSON contract in README.md).

export interface Supply {
  /** "hrDeviceIndex.prtMarkerSuppliesIndex", e.g. "1.3" */
  index: string;
  description: string | null;
  /** prtMarkerSuppliesType as the MIB's name (toner, wasteToner, tonerCartridge, …) */
  type: string | null;
  /** prtMarkerSuppliesClass: supplyThatIsConsumed | receptacleThatIsFilled | other */
  class: string | null;
  /** prtMarkerSuppliesSupplyUnit as the MIB's name (percent, impressions, tenthsOfMilliliters, …) */
  unit: string | null;
  maxCapacity: number | null;
  level: number | null;
  /** 0–100; null when unknown (level −1, −2 or missing). For a receptacle, the share of space remaining. */
  percent: number | null;
}

/** One row of the Printer-MIB prtAlertTable: what the printer itself says is wrong. */
export interface PrinterAlert {
  /** prtAlertSeverityLevel: critical | warning | warningBinaryChangeEvent | other */
  severity: string | null;
  /** prtAlertGroup as the MIB's name (PrtAlertGroupTC): markerSupplies, input, cover, mediaPath, … */
  group: string | null;
  /** prtAlertDescription, the printer's own words ("Toner low"), exactly as sent */
  description: string | null;
  /** prtAlertCode as the MIB's name (PrtAlertCodeTC): markerTonerAlmostEmpty, jam, doorOpen, … */
  code: string | null;
}

export interface PrinterMetrics {
  sysName: string | null;
  sysDescr: string | null;
  pageCount: number | null;
  supplies: Supply[];
  /** hrPrinterStatus: other | unknown | idle | printing | warmup */
  printerStatus: string | null;
  /** hrDeviceStatus of the printer device: unknown | running | warning | testing | down */
  deviceStatus: string | null;
  /** hrPrinterDetectedErrorState decoded: lowPaper, noPaper, lowToner, … */
  errors: string[];
  /** prtAlertTable rows in index order; [] when the printer has none or does not offer the table. */
  alerts: PrinterAlert[];
  /** prtConsoleDisplayBufferText lines (each trimmed, empty ones left out); [] when not offered. */
  console: string[];
  /** The job queue over IPP, when the printer has `ipp:` in the config. */
  queue?: PrinterQueueMetrics | null;
}

/** A printer's job queue read over IPP (`ipp:` in its config); `error` when it could not be read. */
export interface PrinterQueueMetrics {
  jobs: number | null;
  held: number | null;
  oldestJobAgeSeconds: number | null;
  jobsByHost: Record<string, number>;
  stuck: boolean;
  /** The server withheld other users' job names, users and hosts (CUPS' default JobPrivateValues). */
  hidden: boolean;
  /** Pages printed per originating host since tracking began (completed jobs, each counted once). */
  pagesByHost: Record<string, number> | null;
  error: string | null;
}
