/**
 * Set by the bundler (esbuild.mjs): true in development and test builds, false in the shipped
 * bundle. Every test hook sits behind `if (KESTREL_TEST_HOOKS && …)`, so the shipped bundle drops
 * the hooks and everything only they use.
 */
declare const KESTREL_TEST_HOOKS: boolean;
