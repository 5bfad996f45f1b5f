// Injected at build time would tie the core to the bundler; the package
// version is read once instead, which also works under plain Node and tests.
import pkg from '../../../package.json';

export const VERSION: string = pkg.version;
