import { Link } from 'react-router';
import { browsePath } from '../../core/address/address.ts';
import type { DatasetList } from '../../core/dataset/types.ts';

/** A URL naming a dataset the server does not have: said at once, with the ones it has. */
export function UnknownDataset({ dataset, datasets }: { dataset: string; datasets: DatasetList }) {
  return (
    <section aria-labelledby="unknown-dataset-heading" className="page-message">
      <h1 id="unknown-dataset-heading">No dataset “{dataset}”</h1>
      {datasets.datasets.length === 0 ? (
        <p>This server has no datasets at all.</p>
      ) : (
        <>
          <p>This server has no dataset of that name. It has:</p>
          <ul>
            {datasets.datasets.map((candidate) => (
              <li key={candidate.id}>
                <Link to={browsePath(candidate.id)}>{candidate.title}</Link>{' '}
                <span className="muted">
                  ({candidate.id}
                  {candidate.id === datasets.default ? ', the default' : ''})
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
