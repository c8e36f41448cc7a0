/** The link to a shared list (the lists pages' paths are core/address's). */
import { sharedListPath } from '../../core/address/address.ts';
import { listParams, type SharedList } from '../../core/lists/list.ts';

/** The full link to a shared list, to copy and send. */
export function sharedListUrl(list: SharedList): string {
  const path = sharedListPath(null, new URLSearchParams(listParams(list)));
  return `${window.location.origin}${window.location.pathname}#${path}`;
}
