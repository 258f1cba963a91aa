import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'index.ts', cli: 'cli/main.ts', 'dashboard-worker': 'training/dashboard/worker-entry.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: { index: 'index.ts' } },
  sourcemap: true,
  clean: true,
  splitting: true,
});
