import { encode } from 'uqr';

// The quiet zone the QR specification asks for around the code, in modules.
const QUIET_ZONE = 4;

/**
 * A QR code drawn on the server as inline SVG: no script, no image request, nothing
 * for the CSP to allow, and it works with JavaScript off. One `<path>` of unit squares,
 * black on white whatever the page's colours, so every phone camera reads it. The
 * matrix comes from `uqr` (decision 0013). `label` is what a screen reader says; the
 * page must also give the same data as text (a QR code is no use to everyone).
 */
export function QrCode(props: {
  data: string;
  label: string;
  /** Width and height in CSS pixels. */
  size?: number;
}) {
  // Medium error correction: survives a smudged screen or a glare spot.
  const qr = encode(props.data, { ecc: 'M', border: 0 });
  const span = qr.size + QUIET_ZONE * 2;
  let path = '';
  qr.data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h1v1h-1z`;
    });
  });
  const size = props.size ?? 200;
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${span} ${span}`}
      width={size}
      height={size}
      role="img"
      aria-label={props.label}
      shape-rendering="crispEdges"
      class="sp-qr-code"
    >
      <title>{props.label}</title>
      <rect width={span} height={span} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
}
