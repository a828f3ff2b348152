// Theme colours the extension contributes (`contributes.colors` in package.json, through
// manifest.ts), each with light, dark and high-contrast defaults, so a theme can restyle them and
// the defaults read well on both backgrounds. No `vscode` import (the manifest is generated from it).

/** Colour ids the subtoken-boundary decorations use (src/extension/boundaries.ts). */
export const BOUNDARY_COLORS = {
  evenBackground: 'subtokenLens.subtokenBackground1',
  oddBackground: 'subtokenLens.subtokenBackground2',
  identifierBoundary: 'subtokenLens.identifierBoundary',
  mergeBracket: 'subtokenLens.mergeBracket',
} as const;

/** Overview-ruler marks of the token heat map, by level (core DENSITY_LEVELS: low, medium, high). */
export const HEAT_COLORS = ['subtokenLens.heatLow', 'subtokenLens.heatMedium', 'subtokenLens.heatHigh'] as const;

/**
 * Backgrounds of analysed identifiers, five steps per scale (src/extension/resultsScale.ts picks the
 * scale and the step). `change`: green (output nearly unchanged by merging) through amber to red, for
 * a trained model, where a large change is worth a look. `neutral`: one hue from faint to strong, for
 * a random-weight model (its changes are mechanical, so no colour may read as a problem) and for
 * subtoken counts when the encoder did not run.
 */
export const ANALYSIS_COLORS = {
  change: ['subtokenLens.changeScale1', 'subtokenLens.changeScale2', 'subtokenLens.changeScale3', 'subtokenLens.changeScale4', 'subtokenLens.changeScale5'],
  neutral: ['subtokenLens.neutralScale1', 'subtokenLens.neutralScale2', 'subtokenLens.neutralScale3', 'subtokenLens.neutralScale4', 'subtokenLens.neutralScale5'],
} as const;

interface ColorContribution {
  readonly id: string;
  readonly description: string;
  readonly defaults: { readonly dark: string; readonly light: string; readonly highContrast: string; readonly highContrastLight: string };
}

const COLORS: readonly ColorContribution[] = [
  {
    id: BOUNDARY_COLORS.evenBackground,
    description: 'Background of every other subtoken when subtoken boundaries are shown (subtle: the code stays readable).',
    defaults: { dark: '#4fa3ff26', light: '#0066cc17', highContrast: '#4fa3ff40', highContrastLight: '#0066cc26' },
  },
  {
    id: BOUNDARY_COLORS.oddBackground,
    description: 'Background of the subtokens between those of the first colour when subtoken boundaries are shown.',
    defaults: { dark: '#ffb45c26', light: '#c8640017', highContrast: '#ffb45c40', highContrastLight: '#c8640026' },
  },
  {
    id: BOUNDARY_COLORS.identifierBoundary,
    description: 'Bar at a subtoken boundary inside an identifier (where the tokenizer splits a name).',
    defaults: { dark: '#ff8c00', light: '#c45500', highContrast: '#ff8c00', highContrastLight: '#b34d00' },
  },
  {
    id: BOUNDARY_COLORS.mergeBracket,
    description: 'Underline bracket under an identifier whose subtokens token merging folds into one position.',
    defaults: { dark: '#3fb950b3', light: '#1a7f37b3', highContrast: '#3fb950', highContrastLight: '#1a7f37' },
  },
  {
    id: HEAT_COLORS[0],
    description: 'Overview-ruler mark of a line with many subtokens per character (token heat map, low).',
    defaults: { dark: '#d7ba7d80', light: '#b8860b80', highContrast: '#d7ba7d', highContrastLight: '#8b6508' },
  },
  {
    id: HEAT_COLORS[1],
    description: 'Overview-ruler mark of a line with more subtokens per character (token heat map, medium).',
    defaults: { dark: '#e0823dc0', light: '#c45500c0', highContrast: '#e0823d', highContrastLight: '#a04400' },
  },
  {
    id: HEAT_COLORS[2],
    description: 'Overview-ruler mark of a line where the model spends the most positions per character (token heat map, high).',
    defaults: { dark: '#c586c0', light: '#8f3f8a', highContrast: '#c586c0', highContrastLight: '#7a2f75' },
  },
  ...analysisColors(),
];

/** The ten analysis scale colours: the change scale is the green → amber → red ramp the extension
 *  always used (format.ts changeColour at each step's middle); the neutral one is indigo, stronger
 *  per step. Light themes get slightly more opaque steps so the faint end still shows on white. */
function analysisColors(): ColorContribution[] {
  const change = ['#51a237', '#96a720', '#dbab09', '#d67418', '#d13d27'];
  const changeWording = ['nearly unchanged', 'slightly changed', 'changed', 'more changed', 'most changed in the file'];
  const neutralAlpha = { dark: ['1f', '38', '52', '6b', '85'], light: ['1a', '30', '47', '5e', '75'] };
  const out: ColorContribution[] = [];
  ANALYSIS_COLORS.change.forEach((id, i) => out.push({
    id,
    description: `Background of an analysed identifier whose model output merging left ${changeWording[i]} (step ${i + 1} of 5, trained models).`,
    defaults: { dark: `${change[i]}59`, light: `${change[i]}4d`, highContrast: `${change[i]}80`, highContrastLight: `${change[i]}66` },
  }));
  ANALYSIS_COLORS.neutral.forEach((id, i) => out.push({
    id,
    description: `Background of an analysed identifier on the neutral scale (step ${i + 1} of 5): random-weight models, or subtoken counts when the encoder did not run.`,
    defaults: {
      dark: `#7c8cff${neutralAlpha.dark[i]}`, light: `#3949ab${neutralAlpha.light[i]}`,
      highContrast: `#7c8cff${neutralAlpha.dark[i]}`, highContrastLight: `#3949ab${neutralAlpha.light[i]}`,
    },
  }));
  return out;
}

/** The `contributes.colors` array for package.json. */
export function colorContributions(): object[] {
  return COLORS.map((c) => ({ id: c.id, description: c.description, defaults: { ...c.defaults } }));
}
