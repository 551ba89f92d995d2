// Where things are, relative to the repository root.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const screenshotsDir = join(repoRoot, 'docs', 'screenshots');
