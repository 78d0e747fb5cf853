// Vite's emptyOutDir removes everything in internal/webui/dist, including the
// committed .gitkeep that lets `go:embed all:dist` compile without a UI build.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

writeFileSync(fileURLToPath(new URL('../../internal/webui/dist/.gitkeep', import.meta.url)), '');
