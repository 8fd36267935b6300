import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Identity sent to Stripe in the User-Agent and written into the manifest. */
export const CONNECTOR_NAME = 'stripe-connector';

// package.json is the one source of the version; this file runs from client/ (tests) or dist/client/.
function readPackageVersion(): string {
  for (const candidate of [join(__dirname, '..', 'package.json'), join(__dirname, '..', '..', 'package.json')]) {
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === CONNECTOR_NAME && pkg.version) return pkg.version;
    }
  }
  throw new Error(`${CONNECTOR_NAME}: package.json not found beside ${__dirname}`);
}

export const CONNECTOR_VERSION = readPackageVersion();

export { STRIPE_API_VERSION } from '../schemas/api-version';

export const USER_AGENT = `${CONNECTOR_NAME}/${CONNECTOR_VERSION} (node ${process.version})`;
