// Hover on any token: its subtokens, and for identifiers the count after merging.
import * as vscode from 'vscode';
import type { Results } from './results';
import type { Ctx } from './ctx';
import { hoverContent } from './hoverText';
import { WINDOW_CAPACITY, WINDOW_SIZE } from './services';

/** One provider for every document (`scheme: '*'`), registered once: the hover has one Subtoken Lens
 *  section. An analysis result for the identifier (its colour's legend) is part of that section, not a decoration hover. */
export function registerHover(ctx: Ctx, results?: Pick<Results, 'legendAt'>): vscode.Disposable {
  const selector = { scheme: '*' };
  return vscode.languages.registerHoverProvider(selector, {
    async provideHover(doc, position, token) {
      const settings = ctx.config.settings;
      if (!settings.hoverEnabled || !ctx.documents.languageOf(doc)) return undefined;
      try {
        const analysis = await ctx.documents.get(doc);
        if (token.isCancellationRequested) return undefined;
        const tokenizer = ctx.engine.tokenizerInfo?.tokenizer;
        const content = hoverContent({
          text: doc.getText(), encoding: analysis.encoding, identifiers: analysis.identifiers, plan: analysis.plan,
          windowCapacity: WINDOW_CAPACITY, windowSize: WINDOW_SIZE,
          idToToken: tokenizer && ((id) => tokenizer.idToToken(id)),
        }, doc.offsetAt(position), settings.hoverDetail);
        if (!content) return undefined;
        // Over a coloured identifier: what its colour means (scale and value), with swatches in the
        // theme's colours, which need the hover's restricted HTML (styled spans only).
        const legend = results?.legendAt(doc.uri, position);
        const md = new vscode.MarkdownString(legend ? `${content.markdown}\n\n${legend}` : content.markdown);
        md.isTrusted = false;
        md.supportHtml = !!legend;
        return new vscode.Hover(md, new vscode.Range(doc.positionAt(content.start), doc.positionAt(content.end)));
      } catch (err) {
        // A hover must never throw into the editor; the log says why once per reason, not per hover.
        const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
        if (ctx.setup.current.kind !== 'no-tokenizer') ctx.setup.warnOnce.warn(`hover: ${reason}`, `hover: ${reason}`);
        return new vscode.Hover(new vscode.MarkdownString(
          `**Subtoken Lens** · subtokens unavailable: ${reason}. Run "Subtoken Lens: Check Setup" for the ways to fix it.`));
      }
    },
  });
}
