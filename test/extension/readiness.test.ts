// The extension's one state and the next steps it offers, without the editor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockedMessage, blocker, modelNote, nextSteps, readiness, statusWithoutCounts, WarnOnce } from '../../src/extension/readiness';

const ready = { kind: 'ready', dir: '/ext/dist/tokenizer/codet5', origin: 'bundled' } as const;
const present = { available: true };
const absent = { available: false, error: { message: 'model codet5-base is not downloaded (expected in /c/m)' } };

describe('extension readiness', () => {
  it('puts a missing tokenizer before loading and a missing model before ready', () => {
    assert.equal(readiness({ kind: 'missing', reason: 'no tokenizer' }, absent, 'codet5-base').kind, 'no-tokenizer');
    assert.equal(readiness({ kind: 'loading' }, absent, 'codet5-base').kind, 'loading');
    const r = readiness(ready, absent, 'codet5-base');
    assert.deepEqual(r, { kind: 'model-missing', model: 'codet5-base', reason: absent.error.message, chosenFolder: false });
    assert.deepEqual(readiness(ready, present, 'embedded-tiny'), { kind: 'ready' });
  });

  it('blocks only the commands that need the missing piece', () => {
    const modelMissing = readiness(ready, absent, 'codet5-base');
    assert.equal(blocker(modelMissing, ['tokenizer']), undefined, 'the report needs no model');
    assert.equal(blocker(modelMissing, ['tokenizer', 'model'])?.kind, 'model-missing');
    const noTok = readiness({ kind: 'missing', reason: 'x' }, present, 'embedded-tiny');
    assert.equal(blocker(noTok, ['tokenizer'])?.kind, 'no-tokenizer');
    assert.equal(blocker({ kind: 'loading' }, ['tokenizer', 'model']), undefined);
  });

  it('offers Download, Choose Folder... and Use Embedded Model for a missing model', () => {
    const steps = nextSteps(readiness(ready, absent, 'codet5-base'));
    assert.deepEqual(steps.map((s) => s.title), ['Download', 'Choose Folder...', 'Use Embedded Model']);
    assert.deepEqual(steps.map((s) => s.action), ['downloadModel', 'chooseModelFolder', 'useEmbeddedModel']);
    // A hand-chosen folder that is gone cannot be downloaded.
    const gone = readiness(ready, { available: false, error: { message: 'gone', chosenFolder: true } }, 'my-model');
    assert.deepEqual(nextSteps(gone).map((s) => s.title), ['Choose Folder...', 'Use Embedded Model']);
    assert.deepEqual(nextSteps(readiness({ kind: 'missing', reason: 'x' }, present, 't')).map((s) => s.action),
      ['downloadTokenizer', 'chooseTokenizerFolder', 'showLog']);
    assert.deepEqual(nextSteps({ kind: 'ready' }), []);
  });

  it('says what is missing in one sentence and the status bar follows the state', () => {
    const m = blocker(readiness(ready, absent, 'codet5-base'), ['model'])!;
    assert.match(blockedMessage(m, 'the analysis'), /^Subtoken Lens: the analysis needs the model codet5-base, which is not downloaded\./);
    assert.ok(!blockedMessage(m, 'x').includes('\n'));
    const noTok = statusWithoutCounts({ kind: 'no-tokenizer', reason: 'nothing in /x' })!;
    assert.equal(noTok.text, '$(warning) subtokens: no tokenizer');
    assert.match(noTok.tooltip, /nothing in \/x.*Click to download it or choose its folder/);
    assert.equal(statusWithoutCounts({ kind: 'loading' })!.text, '$(loading~spin) subtokens');
    assert.equal(statusWithoutCounts({ kind: 'ready' }), undefined);
    assert.match(modelNote(readiness(ready, absent, 'codet5-base'))!, /codet5-base is not downloaded/);
    assert.equal(modelNote({ kind: 'ready' }), undefined);
  });

  it('logs a warning once per cause until the cause is cleared', () => {
    const log: string[] = [];
    const once = new WarnOnce((m) => log.push(m));
    for (let i = 0; i < 50; i++) once.warn('tokenizer', 'tokenizer not found'); // fifty hovers
    once.warn('hover: other', 'other');
    assert.deepEqual(log, ['tokenizer not found', 'other']);
    once.clear('tokenizer');
    once.warn('tokenizer', 'tokenizer not found');
    assert.equal(log.length, 3, 'a second loss after recovery is logged again');
  });
});
