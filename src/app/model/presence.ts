/**
 * Whether this page has made its model worker (./client.ts), so that a model may be in its
 * memory. Apart from the client so that a header link can ask without loading the client's code.
 */
let made = false;

export function modelWorkerMade(): boolean {
  return made;
}

export function noteModelWorkerMade(): void {
  made = true;
}
