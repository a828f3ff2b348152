// Loading and rewriting model folders: structure found or clearly refused, bad folders explained.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { checkTokenizerMatchesModel, loadEmbeddingMatrix, loadEncoder, maxAbsDiff } from '../../../src/core/runtime/encoder';
import { findEncoderFile } from '../../../src/core/runtime/model-dir';
import { encodeModel, graphOf, readModelFile } from '../../../src/core/runtime/onnx-model';
import { rewriteToInputsEmbeds } from '../../../src/core/runtime/rewrite';
import { REF_DIR, tinyModelDir } from './helpers';

function folder(files: Record<string, string | Uint8Array | { link: string }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sl-rw-'));
  for (const [name, body] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(join(p, '..'), { recursive: true });
    if (typeof body === 'object' && 'link' in body) symlinkSync(body.link, p);
    else writeFileSync(p, body);
  }
  return dir;
}
const refConfig = readFileSync(join(REF_DIR, 'config.json'), 'utf8');

describe('model folders and the input_ids → inputs_embeds rewrite', () => {
  it('removes the Gather, the embedding initializer and input_ids; adds inputs_embeds', () => {
    const model = readModelFile(join(REF_DIR, 'encoder_model.onnx'));
    const before = graphOf(model).node.length;
    const rw = rewriteToInputsEmbeds(model);
    const g = graphOf(model);
    assert.deepEqual(g.input.map((i) => i.name).sort(), ['attention_mask', 'inputs_embeds']);
    assert.ok(!g.initializer.some((t) => t.name === 'shared.weight'));
    assert.equal(g.initializer.length, 18);
    assert.ok(!g.node.some((n) => (n.input ?? []).includes('input_ids')));
    // Gather + the ids Reshape path (Shape, Constant, Gather, Constant, Constant, Unsqueeze, Concat, Reshape) are gone.
    assert.equal(g.node.length, before - 9);
    assert.equal(rw.embeddings.length, 32100 * 64);
  });

  it('prefers onnx/encoder_model.onnx over quantized variants', () => {
    const dir = folder({ 'onnx/encoder_model_quantized.onnx': 'x', 'onnx/encoder_model.onnx': 'y' });
    assert.match(findEncoderFile(dir), /onnx[/\\]encoder_model\.onnx$/);
  });

  it('refuses a graph without an embedding Gather, saying what it expected and found', async () => {
    const dir = folder({ 'config.json': refConfig, 'encoder_model.onnx': { link: join(REF_DIR, 'encoder_model_embeds.onnx') } });
    await assert.rejects(loadEncoder(dir, { device: 'cpu' }), (err: Error) => {
      assert.match(err.message, /no embedding lookup found: expected a Gather whose data is a 2-D float initializer/);
      assert.match(err.message, /Gathers found: .*relative_attention_bias/);
      return true;
    });
  });

  it('refuses truncated and non-ONNX files', async () => {
    const bytes = readFileSync(join(REF_DIR, 'encoder_model.onnx'));
    for (const body of [bytes.subarray(0, 5000), Buffer.from('this is not a model\n'.repeat(50))]) {
      const dir = folder({ 'config.json': refConfig, 'encoder_model.onnx': body });
      await assert.rejects(loadEncoder(dir, { device: 'cpu' }), /not a readable ONNX model|no graph nodes|raw_data has/);
    }
  });

  it('refuses a config.json that does not match the graph, or is missing', async () => {
    const cfg = JSON.stringify({ ...JSON.parse(refConfig), d_model: 32 });
    const dir = folder({ 'config.json': cfg, 'encoder_model.onnx': { link: join(REF_DIR, 'encoder_model.onnx') } });
    await assert.rejects(loadEncoder(dir, { device: 'cpu', probe: false }), /d_model 32 but the embedding matrix .* is \[32100, 64\]/);
    const noCfg = folder({ 'encoder_model.onnx': { link: join(REF_DIR, 'encoder_model.onnx') } });
    await assert.rejects(loadEncoder(noCfg), /no config.json/);
    const noOnnx = folder({ 'config.json': refConfig });
    await assert.rejects(loadEncoder(noOnnx), /no encoder ONNX file/);
  });

  it('says when the tokenizer and the model do not belong together', () => {
    assert.throws(() => checkTokenizerMatchesModel(50265, 'roberta', { vocabSize: 32100, dir: 'm' }), /50265 ids but the model in m has 32100/);
    assert.doesNotThrow(() => checkTokenizerMatchesModel(32100, 'codet5', { vocabSize: 32100, dir: 'm' }));
  });

  it('reads initializers stored as external data and as float_data', async () => {
    const src = tinyModelDir();
    const model = readModelFile(join(src, 'encoder_model.onnx'));
    const emb = graphOf(model).initializer.find((t) => t.name === 'shared.weight')!;
    const raw = Buffer.from(emb.rawData!);
    const bias = graphOf(model).initializer.find((t) => (t.name ?? '').endsWith('relative_attention_bias.weight'))!;
    bias.floatData = Array.from(new Float32Array(Uint8Array.from(bias.rawData!).buffer));
    bias.rawData = null as unknown as Uint8Array; // protobufjs writes an empty bytes field otherwise
    emb.rawData = null as unknown as Uint8Array;
    emb.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    emb.externalData = [{ key: 'location', value: 'encoder_model.onnx_data' }, { key: 'offset', value: '0' }, { key: 'length', value: String(raw.length) }];
    const dir = folder({ 'encoder_model.onnx': encodeModel(model), 'encoder_model.onnx_data': raw });
    copyFileSync(join(src, 'config.json'), join(dir, 'config.json'));
    const a = await loadEncoder(src, { device: 'cpu', probe: false });
    const b = await loadEncoder(dir, { device: 'cpu' });
    try {
      assert.equal(b.info.proof!.maxAbsDiff, 0);
      const ids = [1, 50, 31000, 7, 2];
      const oa = await a.run({ embeds: a.embed(ids), batch: 1, seq: 5 });
      const ob = await b.run({ embeds: b.embed(ids), batch: 1, seq: 5 });
      assert.equal(maxAbsDiff(oa, ob), 0);
      assert.equal(maxAbsDiff(loadEmbeddingMatrix(dir).embeddings, a.embeddings), 0);
    } finally {
      await a.release();
      await b.release();
    }
    const missing = folder({ 'encoder_model.onnx': encodeModel(model) });
    copyFileSync(join(src, 'config.json'), join(missing, 'config.json'));
    await assert.rejects(loadEncoder(missing), /external data file encoder_model.onnx_data .* is missing/);
  });
});
