/** The lists pages' routes (inside the hash). */
import { listParams, type SharedList } from '../../core/lists/list.ts';

export const listsPath = () => '/lists';
export const listPath = (id: string) => `/lists/${encodeURIComponent(id)}`;
const sharedListPath = (list: SharedList) =>
  `/lists/shared?${new URLSearchParams(listParams(list)).toString()}`;

/** The full link to a shared list, to copy and send. */
export function sharedListUrl(list: SharedList): string {
  return `${window.location.origin}${window.location.pathname}#${sharedListPath(list)}`;
}
