/**
 * The block graph on an ONNX Runtime (onnxruntime-node or onnxruntime-web: both have the same
 * JavaScript API), as the runner's BlockExecutor. The runtime module is passed in, so that this
 * file stays free of either package and both adapters share it.
 */
import type { Gpt2Config } from './config.ts';
import { buildBlockGraph } from './graph.ts';
import type { BlockExecutor, BlockOutputs, RuntimeTensor } from './runner.ts';
import type { WeightDtype } from './safetensors.ts';

/** The part of onnxruntime's API the runner uses. */
export interface OrtTensorLike {
  readonly data: unknown;
  dispose?(): void;
}
export interface OrtSessionLike {
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}
export interface OrtModuleLike {
  Tensor: new (
    type: RuntimeTensor['type'],
    data: RuntimeTensor['data'],
    dims: readonly number[],
  ) => OrtTensorLike;
  InferenceSession: { create(model: Uint8Array, options?: object): Promise<OrtSessionLike> };
}

export interface OrtExecutor extends BlockExecutor {
  release(): Promise<void>;
}

/** Creates the session for a config and weight dtype; `sessionOptions` are the runtime's own. */
export async function createOrtExecutor(
  ort: OrtModuleLike,
  config: Gpt2Config,
  weights: WeightDtype,
  sessionOptions: object = {},
): Promise<OrtExecutor> {
  const session = await ort.InferenceSession.create(
    buildBlockGraph(config, weights),
    sessionOptions,
  );
  return {
    async runBlock(feeds: Record<string, RuntimeTensor>): Promise<BlockOutputs> {
      const inputs: Record<string, OrtTensorLike> = {};
      for (const [name, tensor] of Object.entries(feeds)) {
        inputs[name] = new ort.Tensor(tensor.type, tensor.data, tensor.dims);
      }
      const out = await session.run(inputs);
      return {
        y: out.y!.data as Float32Array,
        hidden: out.hidden!.data as Float32Array,
        topValues: out.top_values!.data as Float32Array,
        topIndices: out.top_indices!.data as BigInt64Array,
      };
    },
    release: () => session.release(),
  };
}
