// The GPU bundle (scripts/gpu/pack.sh): entry.ts with every dependency inlined except the
// packages loaded from disk at run time (Dawn's native `webgpu`, tsx, the native TensorFlow
// packages), as one ES module for Node 20.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { 'buddy-gym-gpu': 'scripts/gpu/entry.ts', 'attention-market-worker': 'bench/attention-market-worker.ts' },
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  target: 'node20',
  platform: 'node',
  outDir: '.gpu/app',
  noExternal: [/.*/],
  external: ['webgpu', 'tsx', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  splitting: false,
  sourcemap: false,
  minify: true,
  clean: false,
  dts: false,
  // tfjs's CommonJS builds call require() and read __dirname, which an ES module lacks.
  banner: {
    js: [
      "import { createRequire as __bgCreateRequire } from 'node:module';",
      "import { fileURLToPath as __bgFileURLToPath } from 'node:url';",
      "import { dirname as __bgDirname } from 'node:path';",
      'const require = __bgCreateRequire(import.meta.url);',
      'const __filename = __bgFileURLToPath(import.meta.url);',
      'const __dirname = __bgDirname(__filename);',
    ].join('\n'),
  },
});
