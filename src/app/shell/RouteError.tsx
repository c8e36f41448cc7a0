import { isRouteErrorResponse, useRouteError } from 'react-router';

/** Last resort when a page throws while rendering: say what happened and offer a reload. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : String(error);
  return (
    <main id="main" className="route-error">
      <h1>Something went wrong</h1>
      <p>The page failed to render: {message}</p>
      <p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>{' '}
        <a href="#/">Go to the start page</a>
      </p>
    </main>
  );
}
