// Files shipped with simplemon (bin/, the sample config, the WSDL, the demo's recording), by their path
// in the package. This module is two folders below the package root both as dist/util/paths.js and
// inside the bundle (dist/bundle/*.js, see scripts/bundle.mjs): one place for both.
import { fileURLToPath } from 'node:url';

export const packageFile = (rel: string): string => fileURLToPath(new URL(`../../${rel}`, import.meta.url));
