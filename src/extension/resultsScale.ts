// The colour scale of an analysis and its legend: which quantity the colour of an analysed identifier
// shows, on which scale, and what the hover over a coloured identifier says about it. Pure (no
// `vscode`): test/extension/resultsScale.test.ts checks the steps and the wording.
//
// Red reads as "problem". That is fair for a trained model, where a large output change after
// merging is worth a look, but not for a random-weight model (the embedded demo model), whose
// changes are mechanical, nor for a subtoken count: those get the neutral one-hue scale.
import { ANALYSIS_COLORS } from './colors';
import { changeBucket } from './format';
import { formatChange } from './resultsTree';

export const SCALE_STEPS = ANALYSIS_COLORS.change.length;

export type ScaleKind = 'change' | 'neutral';

export interface ColourScale {
  readonly kind: ScaleKind;
  /** What the colour measures: the output change after merging, or the subtokens merged. */
  readonly measure: 'change' | 'subtokens';
  /** The value the last step starts at or reaches (the largest in the analysed range). */
  readonly worst: number;
  readonly randomWeights: boolean;
}

/** The scale of one analysis: `change` values when the encoder ran, subtoken counts otherwise. */
export function scaleFor(input: { encoderRan: boolean; randomWeights: boolean; worst: number }): ColourScale {
  const measure = input.encoderRan ? 'change' : 'subtokens';
  const kind: ScaleKind = input.encoderRan && !input.randomWeights ? 'change' : 'neutral';
  return { kind, measure, worst: input.worst, randomWeights: input.encoderRan && input.randomWeights };
}

/** The 0-based step of a value on the scale. */
export function scaleStep(scale: ColourScale, value: number): number {
  return changeBucket(value, scale.worst, SCALE_STEPS);
}

/** Theme colour ids of the scale's steps, faint/green first. */
export function scaleColours(scale: ColourScale): readonly string[] {
  return ANALYSIS_COLORS[scale.kind];
}

/** A CSS variable VS Code defines for a contributed theme colour (`subtokenLens.x` → `--vscode-subtokenLens-x`). */
export function cssVariable(colourId: string): string {
  return `var(--vscode-${colourId.replace(/\./g, '-')})`;
}

/**
 * A row of swatches in the theme's own colours, this value's step outlined by brackets. VS Code's
 * hover keeps `<span style="background-color:var(--vscode-…);">` (and nothing richer) when the
 * markdown allows HTML, so the colours are exactly those of the editor's decorations.
 */
export function swatches(scale: ColourScale, step: number): string {
  return scaleColours(scale).map((id, i) => {
    const swatch = `<span style="background-color:${cssVariable(id)};">&nbsp;&nbsp;&nbsp;&nbsp;</span>`;
    return i === step ? `[${swatch}]` : swatch;
  }).join('');
}

function scaleEnds(scale: ColourScale): [string, string] {
  if (scale.measure === 'subtokens') return ['2 subtokens', `${scale.worst}+`];
  return ['≈ 0 (unchanged)', `${formatChange(scale.worst)} (the largest in this analysis)`];
}

/** This identifier's value in words: `1−cos 0.00123` or `4 subtokens merged`. */
function valueText(scale: ColourScale, value: number): string {
  return scale.measure === 'subtokens' ? `${value} subtokens merged into one position` : `output change after merging ${formatChange(value)}`;
}

/**
 * The legend the hover adds over a coloured identifier: what its colour shows (its own value and
 * step), the scale's two ends, and for a random-weight model that the colours mean nothing about
 * the code. Markdown with HTML swatches (the hover must allow HTML).
 */
export function legendMarkdown(scale: ColourScale, value: number): string {
  const step = scaleStep(scale, value);
  const [low, high] = scaleEnds(scale);
  const lines = [`Colour: ${valueText(scale, value)}, step ${step + 1} of ${SCALE_STEPS}`];
  const ends = scale.kind === 'change' ? `green ${low} → red ${high}` : `faint ${low} → strong ${high}`;
  lines.push(`${swatches(scale, step)} ${ends}`);
  if (scale.randomWeights) lines.push('_Random weights: colours are mechanical, not semantic._');
  else if (scale.measure === 'subtokens') lines.push('_The encoder did not run: the colour counts subtokens, not output change._');
  return lines.join('\n\n');
}

/** The same legend in one plain line, for the results view's message. */
export function legendLine(scale: ColourScale): string {
  const [low, high] = scaleEnds(scale);
  const what = scale.measure === 'subtokens' ? 'subtokens merged' : 'output change after merging';
  const ends = scale.kind === 'change' ? `green ${low} → red ${high}` : `faint ${low} → strong ${high}`;
  const note = scale.randomWeights ? ' · random weights: colours are mechanical, not semantic'
    : scale.measure === 'subtokens' ? ' (encoder not run)' : '';
  return `Colour = ${what}: ${ends}${note}`;
}
