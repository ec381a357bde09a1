// Stand-in for `vite/client` types (the fixtures' web tsconfig lists them): only `import.meta.env`.
// Installing vite itself would pull a bundler and native binaries into the type-checking harness.
interface ImportMetaEnv {
  readonly [key: string]: any;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
