/**
 * One GPT-2 block as an ONNX graph, built in code (no exported model file exists for these
 * checkpoints), for onnxruntime-node and onnxruntime-web alike. The weights are graph inputs, not
 * initializers: one small graph serves every block of a model, each run is given that block's
 * weights, and no graph comes near protobuf's 2 GB limit (a whole gpt2-xl graph would not fit).
 *
 * The block, as GPT-2 computes it (pre-norm; Conv1D weights stored [in, out], so y = x W + b):
 *
 *   a = LN1(x);  q | k | v = a W_attn + b_attn            heads split from each of q, k, v
 *   x' = x + (softmax(q k^T / sqrt(d / heads) + causal mask) v) W_attnproj + b_attnproj
 *   hidden = GELU(LN2(x') W_fc + b_fc)                     the layer's MLP neurons
 *   y = x' + hidden W_proj + b_proj
 *
 * with GPT-2's GELU in its tanh form, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), written
 * out op by op so that every runtime computes the same function. The graph also takes the top K
 * neurons of each token where the activations are: only K values per token leave the runtime
 * when a caller needs no more.
 *
 * Inputs:  x [T, d] float; mask [T, T] float (0 on and below the diagonal, -1e9 above);
 *          k [1] int64; the block's twelve tensors by their names in BLOCK_TENSORS
 *          (float, or float16 cast to float inside the graph).
 * Outputs: y [T, d]; hidden [T, n]; top_values [T, K]; top_indices [T, K] int64.
 */
import onnxProto from 'onnx-proto';
import { BLOCK_TENSORS, blockTensorShapes, type BlockTensor } from './checkpoint.ts';
import type { Gpt2Config } from './config.ts';
import { utf8Encode } from './platform.ts';
import type { WeightDtype } from './safetensors.ts';

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;

/** The opset the graph is written for: LayerNormalization is in it from 17. */
export const BLOCK_GRAPH_OPSET = 17;

type Attribute = number | number[] | string;

class GraphBuilder {
  readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private count = 0;

  /** Adds a node; returns its outputs' names. */
  op(type: string, inputs: string[], attributes: Record<string, Attribute> = {}, outputs = 1) {
    const names = Array.from({ length: outputs }, () => `${type.toLowerCase()}_${this.count++}`);
    this.nodes.push(
      onnx.NodeProto.create({
        opType: type,
        input: inputs,
        output: names,
        attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
      }),
    );
    return names;
  }

  /** A node whose single output is named. */
  named(name: string, type: string, inputs: string[], attributes: Record<string, Attribute> = {}) {
    this.nodes.push(
      onnx.NodeProto.create({
        opType: type,
        input: inputs,
        output: [name],
        attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
      }),
    );
    return name;
  }

  int64s(values: number[]): string {
    const name = `const_${this.count++}`;
    this.initializers.push(
      onnx.TensorProto.create({
        name,
        dataType: DataType.INT64,
        dims: [values.length],
        int64Data: values,
      }),
    );
    return name;
  }

  float(value: number): string {
    const name = `const_${this.count++}`;
    this.initializers.push(
      onnx.TensorProto.create({ name, dataType: DataType.FLOAT, dims: [], floatData: [value] }),
    );
    return name;
  }
}

function attribute(name: string, value: Attribute) {
  if (typeof value === 'string') {
    return onnx.AttributeProto.create({
      name,
      type: AttributeType.STRING,
      s: utf8Encode(value),
    });
  }
  if (Array.isArray(value)) {
    return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: value });
  }
  return Number.isInteger(value)
    ? onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value })
    : onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value });
}

function valueInfo(name: string, type: number, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: type,
        shape: {
          dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })),
        },
      },
    },
  });
}

/** The names of the block graph's weight inputs (the checkpoint's names after `h.{i}.`). */
export const blockInputName = (tensor: BlockTensor) => tensor;

/**
 * The ONNX model (serialized ModelProto) of one block of a GPT-2 of this config, taking its
 * weights in `weights` dtype.
 */
export function buildBlockGraph(config: Gpt2Config, weights: WeightDtype): Uint8Array {
  const { embd: d, heads, inner: n, epsilon } = config;
  const headSize = d / heads;
  const g = new GraphBuilder();
  const weightType = weights === 'F32' ? DataType.FLOAT : DataType.FLOAT16;
  const w = Object.fromEntries(
    BLOCK_TENSORS.map((tensor) => [
      tensor,
      weights === 'F32'
        ? blockInputName(tensor)
        : g.op('Cast', [blockInputName(tensor)], { to: DataType.FLOAT })[0]!,
    ]),
  ) as Record<BlockTensor, string>;

  const layerNorm = (x: string, weight: string, bias: string) =>
    g.op('LayerNormalization', [x, weight, bias], { axis: -1, epsilon })[0]!;
  const linear = (x: string, weight: string, bias: string) =>
    g.op('Add', [g.op('MatMul', [x, weight])[0]!, bias])[0]!;

  // Attention.
  const a = layerNorm('x', w['ln_1.weight'], w['ln_1.bias']);
  const qkv = linear(a, w['attn.c_attn.weight'], w['attn.c_attn.bias']);
  const [q, k, v] = g.op('Split', [qkv, g.int64s([d, d, d])], { axis: 1 }, 3) as [
    string,
    string,
    string,
  ];
  const toHeads = (t: string, perm: number[]) =>
    g.op('Transpose', [g.op('Reshape', [t, g.int64s([0, heads, headSize])])[0]!], { perm })[0]!;
  const qh = toHeads(q, [1, 0, 2]); // [H, T, hs]
  const kh = toHeads(k, [1, 2, 0]); // [H, hs, T]
  const vh = toHeads(v, [1, 0, 2]); // [H, T, hs]
  const scores = g.op('Add', [
    g.op('Mul', [g.op('MatMul', [qh, kh])[0]!, g.float(1 / Math.sqrt(headSize))])[0]!,
    'mask',
  ])[0]!;
  const weightsOfTokens = g.op('Softmax', [scores], { axis: -1 })[0]!;
  const mixed = g.op('MatMul', [weightsOfTokens, vh])[0]!; // [H, T, hs]
  const merged = g.op('Reshape', [
    g.op('Transpose', [mixed], { perm: [1, 0, 2] })[0]!,
    g.int64s([0, d]),
  ])[0]!;
  const attended = linear(merged, w['attn.c_proj.weight'], w['attn.c_proj.bias']);
  const x1 = g.op('Add', ['x', attended])[0]!;

  // MLP: the hidden units after GELU are the dataset's neurons.
  const m = layerNorm(x1, w['ln_2.weight'], w['ln_2.bias']);
  const pre = linear(m, w['mlp.c_fc.weight'], w['mlp.c_fc.bias']);
  const cube = g.op('Mul', [pre, g.op('Mul', [pre, pre])[0]!])[0]!;
  const inner = g.op('Mul', [
    g.op('Add', [pre, g.op('Mul', [cube, g.float(0.044715)])[0]!])[0]!,
    g.float(Math.sqrt(2 / Math.PI)),
  ])[0]!;
  const gate = g.op('Add', [g.op('Tanh', [inner])[0]!, g.float(1)])[0]!;
  const hidden = g.named('hidden', 'Mul', [g.op('Mul', [pre, g.float(0.5)])[0]!, gate]);
  g.nodes.push(
    onnx.NodeProto.create({
      opType: 'TopK',
      input: [hidden, 'k'],
      output: ['top_values', 'top_indices'],
      attribute: [attribute('axis', -1), attribute('largest', 1), attribute('sorted', 1)],
    }),
  );
  g.named('y', 'Add', [x1, linear(hidden, w['mlp.c_proj.weight'], w['mlp.c_proj.bias'])]);

  const shapes = blockTensorShapes(config);
  const graph = onnx.GraphProto.create({
    name: 'gpt2_block',
    node: g.nodes,
    initializer: g.initializers,
    input: [
      valueInfo('x', DataType.FLOAT, ['T', d]),
      valueInfo('mask', DataType.FLOAT, ['T', 'T']),
      valueInfo('k', DataType.INT64, [1]),
      ...BLOCK_TENSORS.map((tensor) =>
        valueInfo(blockInputName(tensor), weightType, shapes[tensor]),
      ),
    ],
    output: [
      valueInfo('y', DataType.FLOAT, ['T', d]),
      valueInfo('hidden', DataType.FLOAT, ['T', n]),
      valueInfo('top_values', DataType.FLOAT, ['T', 'K']),
      valueInfo('top_indices', DataType.INT64, ['T', 'K']),
    ],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'neuron-explorer',
    opsetImport: [{ domain: '', version: BLOCK_GRAPH_OPSET }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * The additive causal mask for texts laid one after another (segment lengths summing to T):
 * a token attends to itself and the tokens before it in its own text only, so that several
 * texts run in one pass exactly as each would alone.
 */
export function causalMask(segments: readonly number[]): Float32Array {
  const tokens = segments.reduce((a, b) => a + b, 0);
  const mask = new Float32Array(tokens * tokens).fill(-1e9);
  let start = 0;
  for (const length of segments) {
    for (let i = start; i < start + length; i++)
      mask.fill(0, i * tokens + start, i * tokens + i + 1);
    start += length;
  }
  return mask;
}
