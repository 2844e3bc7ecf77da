// The manifest a package is packed with (pnpm pack, pnpm publish): what an installed package needs.
const PACKED_WITHOUT = {
  // its scripts build it from sources the tarball does not carry; its devDependencies name private workspace packages
  'fanout-console': ['scripts', 'devDependencies'],
};

module.exports = {
  hooks: {
    beforePacking(manifest) {
      for (const field of PACKED_WITHOUT[manifest.name] ?? []) delete manifest[field];
      return manifest;
    },
  },
};
