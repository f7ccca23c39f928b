/** A horizontal usage bar: `used` of `total`, with the numbers written on it. */
export function Bar({ used, total, unit = '' }: { used: number; total: number; unit?: string }) {
  const fraction = total > 0 ? Math.min(1, used / total) : 0;
  const label = `${round(used)} / ${round(total)}${unit}`;
  return (
    <div class="bar" title={label}>
      <div class="bar-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      <span class="bar-label">{label}</span>
    </div>
  );
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
