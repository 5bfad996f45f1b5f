import { tf } from './backend';

// A trained TF.js model as plain data: the topology, the weight manifest and
// the weight bytes. It crosses the worker boundary (the ArrayBuffer is
// transferred, not copied) and is what the registry's tf.io handler stores.

export interface ModelArtifact {
  topology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** Captures a model's topology and weights without touching any storage. */
export async function captureModel(model: tf.LayersModel): Promise<ModelArtifact> {
  let captured: ModelArtifact | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      if (!a.modelTopology || !a.weightSpecs || !a.weightData) throw new Error('model has no topology or weights to save');
      const data = a.weightData instanceof ArrayBuffer ? a.weightData : tf.io.concatenateArrayBuffers(a.weightData);
      captured = { topology: a.modelTopology as object, weightSpecs: a.weightSpecs, weightData: data };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured) throw new Error('model save produced nothing');
  return captured;
}

/** Rebuilds a runnable model from an artifact. */
export async function restoreModel(artifact: ModelArtifact): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: artifact.topology, weightSpecs: artifact.weightSpecs, weightData: artifact.weightData }),
  );
}
