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
];

/** The `contributes.colors` array for package.json. */
export function colorContributions(): object[] {
  return COLORS.map((c) => ({ id: c.id, description: c.description, defaults: { ...c.defaults } }));
}
