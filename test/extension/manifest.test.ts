import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { languageForVsCodeId } from '../../src/core/spans';
import { ACTIVATION_LANGUAGES, COMMANDS, manifestContributions } from '../../src/extension/manifest';
import { DEFAULT_SETTINGS, parseSettings, SETTING_SPECS } from '../../src/extension/settings';
import { MERGE_STRATEGIES } from '../../src/core/runtime/merge';
import { DEVICES } from '../../src/core/runtime/providers';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

describe('package.json manifest', () => {
  it('matches the contributions generated from src/extension/manifest.ts', () => {
    const m = manifestContributions();
    assert.deepEqual(pkg.contributes, JSON.parse(JSON.stringify(m.contributes)));
    assert.deepEqual(pkg.activationEvents, m.activationEvents);
  });

  it('activates only on languages the core has a grammar for', () => {
    for (const l of ACTIVATION_LANGUAGES) assert.ok(languageForVsCodeId(l), `${l} has no grammar`);
  });

  it('offers exactly the core\'s merge strategies and devices as the strategy and provider choices', () => {
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(props['subtokenLens.strategy'].enum, MERGE_STRATEGIES.filter((s) => s !== 'none'));
    assert.equal(props['subtokenLens.strategy'].enumDescriptions.length, props['subtokenLens.strategy'].enum.length);
    assert.deepEqual(props['subtokenLens.provider'].enum, [...DEVICES]);
  });

  it('gives every command a title and the category', () => {
    const ids = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    for (const c of Object.values(COMMANDS)) assert.ok(ids.has(c.id), c.id);
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'Subtoken Lens');
  });
});

describe('settings', () => {
  it('uses defaults for missing values and reports wrong ones', () => {
    const raw: Record<string, unknown> = { strategy: 'bogus', 'report.maxFileSize': -3, provider: 'cpu', 'hover.enabled': 'yes' };
    const { settings, problems } = parseSettings((k) => raw[k]);
    assert.equal(settings.strategy, DEFAULT_SETTINGS.strategy);
    assert.equal(settings.reportMaxFileSize, DEFAULT_SETTINGS.reportMaxFileSize);
    assert.equal(settings.provider, 'cpu');
    assert.equal(settings.hoverEnabled, true);
    assert.equal(problems.length, 3, problems.join('\n'));
  });

  it('describes every setting', () => {
    for (const s of SETTING_SPECS) assert.ok(s.description.length > 20, s.key);
  });
});
