import { useParams } from 'react-router';

export function NeuronPage() {
  const { layer, neuron } = useParams();
  return (
    <h1>
      Layer {layer}, neuron {neuron}
    </h1>
  );
}
