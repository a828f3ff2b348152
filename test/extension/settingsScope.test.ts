import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configurationContribution, SETTING_SPECS } from '../../src/extension/settings';

describe('path settings in remote windows', () => {
  it('no path setting is machine-scoped (VS Code leaves those out of the User tab in code-server, SSH and WSL windows)', () => {
    const paths = SETTING_SPECS.filter((s) => /path$/i.test(s.key));
    assert.deepEqual(paths.map((s) => s.key).sort(), ['modelPath', 'tokenizerPath']);
    const props = (configurationContribution() as { properties: Record<string, { scope: string; markdownDescription: string }> }).properties;
    for (const s of paths) {
      const p = props[`subtokenLens.${s.key}`]!;
      assert.equal(p.scope, 'machine-overridable', s.key);
      assert.match(p.markdownDescription, /remote window/, `${s.key} says where a remote window reads the path`);
    }
  });
});
