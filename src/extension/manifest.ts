// Command ids, titles, views and activation events: the single source of the package.json
// `contributes`/`activationEvents` sections (test/extension/manifest.test.ts checks package.json
// matches `manifestContributions()`; `node --import tsx scripts/sync-manifest.ts` writes it). No `vscode`.
import { configurationContribution } from './settings';
import { colorContributions } from './colors';

export const CATEGORY = 'Subtoken Lens';

/** Every command the extension registers, with its palette title. */
export const COMMANDS = {
  analyzeFile: { id: 'subtokenLens.analyzeFile', title: 'Analyze Token Merging in File' },
  analyzeSelection: { id: 'subtokenLens.analyzeSelection', title: 'Analyze Token Merging in Selection' },
  compareStrategies: { id: 'subtokenLens.compareStrategies', title: 'Compare Strategies' },
  sweepMergeLayer: { id: 'subtokenLens.sweepMergeLayer', title: 'Sweep Merge Layer' },
  clearResults: { id: 'subtokenLens.clearResults', title: 'Clear Results' },
  openReport: { id: 'subtokenLens.openReport', title: 'Open Workspace Report' },
  downloadModel: { id: 'subtokenLens.downloadModel', title: 'Download Model...' },
  selectModel: { id: 'subtokenLens.selectModel', title: 'Select Model...' },
  trainMerger: { id: 'subtokenLens.trainMerger', title: 'Train Learned Merger' },
  showLog: { id: 'subtokenLens.showLog', title: 'Show Log' },
  clearModelCache: { id: 'subtokenLens.clearModelCache', title: 'Clear Model Cache' },
  checkSetup: { id: 'subtokenLens.checkSetup', title: 'Check Setup' },
  toggleBoundaries: { id: 'subtokenLens.toggleBoundaries', title: 'Show Subtoken Boundaries' },
  generateWithMerging: { id: 'subtokenLens.generateWithMerging', title: 'Generate With and Without Merging' },
  /** Internal: the results view and CodeLens call it; hidden from the palette. */
  revealResult: { id: 'subtokenLens.revealResult', title: 'Reveal Identifier' },
} as const;
export type CommandName = keyof typeof COMMANDS;

export const VIEW_RESULTS = 'subtokenLens.results';
/** The panel container of the results view. */
export const VIEW_CONTAINER_RESULTS = 'subtokenLens';
export const WEBVIEW_REPORT = 'subtokenLens.report';
/** The Compare Strategies / Sweep Merge Layer panel. */
export const WEBVIEW_COMPARE = 'subtokenLens.compare';
/** Context key set while the active editor holds analysis results. */
export const CONTEXT_HAS_RESULTS = 'subtokenLens.hasResults';

/**
 * VS Code language ids the extension activates on. Each must map to a grammar through the
 * core's `languageForVsCodeId` (checked by the manifest test).
 */
export const ACTIVATION_LANGUAGES: readonly string[] = [
  'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'java', 'go', 'rust',
  'c', 'cpp', 'csharp', 'ruby', 'php', 'shellscript', 'kotlin', 'swift', 'scala',
];

export function manifestContributions(): { activationEvents: string[]; contributes: object } {
  const palette = Object.values(COMMANDS).map((c) => ({ command: c.id, title: c.title, category: CATEGORY }));
  return {
    // Commands, views and the webview activate implicitly (VS Code ≥ 1.74); languages do not.
    activationEvents: [
      ...ACTIVATION_LANGUAGES.map((l) => `onLanguage:${l}`),
      `onWebviewPanel:${WEBVIEW_REPORT}`,
    ],
    contributes: {
      commands: palette,
      menus: {
        commandPalette: [
          { command: COMMANDS.revealResult.id, when: 'false' },
          { command: COMMANDS.analyzeSelection.id, when: 'editorHasSelection' },
          { command: COMMANDS.clearResults.id, when: CONTEXT_HAS_RESULTS },
        ],
        'editor/context': [
          { command: COMMANDS.analyzeSelection.id, when: 'editorHasSelection', group: 'subtokenLens@1' },
        ],
        'view/title': [
          { command: COMMANDS.clearResults.id, when: `view == ${VIEW_RESULTS}`, group: 'navigation' },
        ],
      },
      // The results get a container of their own in the panel, not a corner of the Explorer: the
      // panel spans the window, so a row's name, subtoken count, occurrences and change are never
      // cut, many rows show at once, and the code stays in view above while a row is clicked.
      viewsContainers: {
        panel: [{ id: VIEW_CONTAINER_RESULTS, title: CATEGORY, icon: 'media/icon.svg' }],
      },
      views: {
        [VIEW_CONTAINER_RESULTS]: [{ id: VIEW_RESULTS, name: 'Token Merging', icon: 'media/icon.svg', contextualTitle: CATEGORY }],
      },
      viewsWelcome: [{
        view: VIEW_RESULTS,
        contents: `Run an analysis to list the identifiers of a file, grouped by name with the line of each occurrence, most changed by merging first.\n[Analyze File](command:${COMMANDS.analyzeFile.id})`,
      }],
      configuration: configurationContribution(),
      colors: colorContributions(),
    },
  };
}
