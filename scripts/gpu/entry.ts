/**
 * The one entry of the GPU bundle that scripts/gpu/pack.sh builds, for a machine with no
 * Node.js install and no node_modules:
 *
 *   node buddy-gym-gpu.mjs adapter [--allow-software]   the WebGPU adapter, as JSON (adapter.ts)
 *   node buddy-gym-gpu.mjs bench [--json] [--seconds S]  bench/run.ts
 *   node buddy-gym-gpu.mjs figures [--iterations N]      webgpu against wasm and cpu (figures.ts)
 *   node buddy-gym-gpu.mjs cli <buddy-gym arguments>     the buddy-gym CLI
 *
 * tfjs-backend-webgpu is inlined here (a copy loaded from a node_modules beside the bundle
 * would bring a second tfjs-core), so it is handed to the backend selection by a literal
 * import() that the bundler resolves; Dawn's `webgpu` package and tfjs-backend-wasm's .wasm
 * files are read from the node_modules folder that pack.sh lays out beside the bundle.
 */
import { registerBundledModule } from '../../agents/backend/select.js';

registerBundledModule('@tensorflow/tfjs-backend-webgpu', () => import('@tensorflow/tfjs-backend-webgpu'));

const COMMANDS = ['adapter', 'bench', 'figures', 'cli'];
// The commands below read process.argv themselves: drop the command word.
const [command] = process.argv.splice(2, 1);
if (command === 'adapter') await import('./adapter.js');
else if (command === 'bench') await import('../../bench/run.js');
else if (command === 'figures') await import('./figures.js');
else if (command === 'cli') await import('../../cli/main.js');
else {
  console.error(`buddy-gym-gpu: unknown command ${JSON.stringify(command ?? '')}: expected one of ${COMMANDS.join(', ')}`);
  process.exit(2);
}
