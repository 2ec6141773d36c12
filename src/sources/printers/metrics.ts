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
