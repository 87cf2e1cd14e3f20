import { identiconShape } from './identicon.ts';

/** The address's picture (see identicon.ts), as a small square. */
export function Identicon({ address, size = 18 }: { address: string; size?: number }) {
  const shape = identiconShape(address);
  return (
    <svg
      className="identicon"
      width={size}
      height={size}
      viewBox="0 0 5 5"
      aria-hidden="true"
      shapeRendering="crispEdges"
      style={{ background: shape.background }}
    >
      {shape.cells.map((on, i) =>
        on ? <rect key={i} x={i % 5} y={Math.floor(i / 5)} width={1} height={1} fill={shape.color} /> : null,
      )}
    </svg>
  );
}
