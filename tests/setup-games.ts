// Every test file sees the built-in games registered, as the package and the CLI do.
import '../games/index.js';
