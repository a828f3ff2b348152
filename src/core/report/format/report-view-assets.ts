// The report renderer's bundle (src/webview/ → dist/media/report-view.js and .css): how it is built
// and where a running tool finds it. One set of build options serves `npm run build`
// (scripts/build.mjs) and a development checkout, which builds it in memory from the sources so an
// export never carries an older renderer than the code beside it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';

/** File names under dist/media/. */
export const REPORT_VIEW_SCRIPT = 'report-view.js';
export const REPORT_VIEW_STYLE = 'report-view.css';

export interface ReportViewAssets {
  /** The renderer with Chart.js bundled in: one classic script, no imports, nothing remote. */
  readonly script: string;
  readonly style: string;
}

/** esbuild options that bundle the renderer of the checkout at `repoRoot` into `outdir`. */
export function reportViewBuildOptions(repoRoot: string, outdir: string): BuildOptions {
  const src = join(repoRoot, 'src', 'webview');
  return {
    entryPoints: [join(src, 'report-view.ts'), join(src, 'report-view.css')],
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    // VS Code 1.100's webviews (Chromium 132) and the browsers that open an exported file.
    target: ['chrome110', 'firefox115', 'safari16'],
    // Always minified: the export inlines it, and Chart.js's license header is kept (legal comments).
    minify: true,
    logLevel: 'warning',
  };
}

let builtFromSources: ReportViewAssets | undefined;

/**
 * The renderer's script and style. `distDir`: the dist/ folder that holds them (the extension
 * passes its own). Without it: next to this code when it runs bundled (dist/cli.js), else built from
 * the sources of this checkout (esbuild, a development dependency).
 */
export function loadReportViewAssets(distDir?: string): ReportViewAssets {
  const dir = distDir ?? (existsSync(join(__dirname, 'media', REPORT_VIEW_SCRIPT)) ? __dirname : undefined);
  if (dir) {
    const media = join(dir, 'media');
    try {
      return { script: readFileSync(join(media, REPORT_VIEW_SCRIPT), 'utf8'), style: readFileSync(join(media, REPORT_VIEW_STYLE), 'utf8') };
    } catch (err) {
      throw new Error(`the report renderer is missing from ${media} (${(err as NodeJS.ErrnoException).code ?? String(err)}): run \`npm run build\``, { cause: err });
    }
  }
  return (builtFromSources ??= buildFromSources(resolve(__dirname, '..', '..', '..', '..')));
}

function buildFromSources(repoRoot: string): ReportViewAssets {
  if (!existsSync(join(repoRoot, 'src', 'webview', 'report-view.ts'))) {
    throw new Error(`the report renderer is not next to ${__dirname} (expected media/${REPORT_VIEW_SCRIPT}): run \`npm run build\``);
  }
  let esbuild: typeof import('esbuild');
  try {
    // Resolved at run time: bundles never reach this line (their renderer lies next to them).
    esbuild = createRequire(__filename)('esbuild') as typeof import('esbuild');
  } catch (err) {
    throw new Error('building the report renderer from the sources needs esbuild (a development dependency): run `npm ci`, or `npm run build` and use dist/', { cause: err });
  }
  const out = esbuild.buildSync({ ...reportViewBuildOptions(repoRoot, join(repoRoot, 'dist', 'media')), write: false });
  const text = (name: string) => {
    const file = out.outputFiles.find((f) => basename(f.path) === name);
    if (!file) throw new Error(`esbuild produced no ${name}`);
    return file.text;
  };
  return { script: text(REPORT_VIEW_SCRIPT), style: text(REPORT_VIEW_STYLE) };
}
