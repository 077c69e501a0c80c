// Entry of the pimc that ships inside the extension (dist/pimc/pimc.mjs), so Compile, Simulate and
// Explore need nothing on PATH. The CLI loads the simulator, the trainer, the explorer and the
// formatter lazily by package name; here those names map to modules bundled beside it (tfjs with
// them, in chunks loaded only by what trains).
import { run } from '@pim/cli';

run(async (specifier) => {
  switch (specifier) {
    case '@pim/runtime/sim':
      return import('@pim/runtime/sim');
    case '@pim/runtime/train':
      return import('@pim/runtime/train');
    case '@pim/runtime/explore':
      return import('@pim/runtime/explore');
    case '@pim/lsp/format':
      return import('@pim/lsp/format');
    default:
      throw Object.assign(new Error(`${specifier} is not bundled with the extension`), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
  }
});
