import { Link } from 'react-router';
import { browsePath } from '../../core/address/address.ts';
import { useDatasetRoute } from './dataset.ts';

/** Any URL the app has no page for. */
export function NotFoundPage() {
  const { urlDataset } = useDatasetRoute();
  return (
    <section aria-labelledby="not-found-heading">
      <h1 id="not-found-heading">No such page</h1>
      <p>
        This address is not a page of Neuron Explorer. Neuron pages look like{' '}
        <code>#/layers/5/neurons/131</code>.
      </p>
      <p>
        <Link to={browsePath(urlDataset)}>Browse neurons</Link>
      </p>
    </section>
  );
}
