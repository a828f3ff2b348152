// Hover on any token: its subtokens, and for identifiers the count after merging.
import * as vscode from 'vscode';
import type { Results } from './analysis';
import type { Ctx } from './ctx';
import { hoverContent, mergeResultLine } from './hoverText';
import { WINDOW_CAPACITY, WINDOW_SIZE } from './services';

/** One provider for every document (`scheme: '*'`), registered once: the hover has one Subtoken Lens
 *  section. An analysis result for the identifier is a line of that section, not a decoration hover. */
export function registerHover(ctx: Ctx, results?: Pick<Results, 'resultAt'>): vscode.Disposable {
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
        const result = results?.resultAt(doc.uri, position);
        const md = new vscode.MarkdownString(result ? `${content.markdown}\n\n${mergeResultLine(result.change)}` : content.markdown);
        md.isTrusted = false;
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
