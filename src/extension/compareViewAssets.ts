// The compare view's bundle (src/webview/compare-view.ts and .css → dist/media/compare-view.{js,css}):
// built with the report renderer's esbuild options (same browser targets, minified, Chart.js's
// license kept), only the entry points differ. scripts/build.mjs writes it; the webview test builds
// it in memory. No `vscode`.
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { reportViewBuildOptions } from '../core/report/format/report-view-assets';

/** The bundle's files, relative to the extension's folder. */
export const COMPARE_VIEW_FILES = {
  script: ['dist', 'media', 'compare-view.js'],
  style: ['dist', 'media', 'compare-view.css'],
} as const;

/** esbuild options that bundle the compare view of the checkout at `repoRoot` into `outdir`. */
export function compareViewBuildOptions(repoRoot: string, outdir: string): BuildOptions {
  const src = join(repoRoot, 'src', 'webview');
  return { ...reportViewBuildOptions(repoRoot, outdir), entryPoints: [join(src, 'compare-view.ts'), join(src, 'compare-view.css')] };
}
