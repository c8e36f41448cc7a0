/** A placeholder block of the size the content will take, so nothing moves when data arrives. */
export function Skeleton({
  width = '100%',
  height,
  className,
}: {
  /** CSS width; default the full line. */
  width?: string;
  /** CSS height, e.g. the height of the content it stands for. */
  height: string;
  className?: string;
}) {
  return (
    <span
      className={className ? `skeleton ${className}` : 'skeleton'}
      style={{ width, height }}
      aria-hidden="true"
    />
  );
}
