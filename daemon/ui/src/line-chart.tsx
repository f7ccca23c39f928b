export interface Sample {
  /** Milliseconds since the epoch. */
  at: number;
  value: number;
  /** The upper bound at that time (total cpus, wanted instances). */
  max: number;
}

/**
 * A small inline SVG line chart of samples against their moving maximum. Drawn by
 * hand: two polylines are less than any charting library would cost the bundle.
 */
export function LineChart({
  samples,
  label,
  width = 360,
  height = 80,
}: {
  samples: readonly Sample[];
  label: string;
  width?: number;
  height?: number;
}) {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return <p class="muted">No samples yet.</p>;
  const top = Math.max(1e-9, ...samples.map((sample) => Math.max(sample.max, sample.value)));
  const span = Math.max(1, last.at - first.at);
  const x = (at: number) => ((at - first.at) / span) * (width - 4) + 2;
  const y = (value: number) => height - 2 - (value / top) * (height - 4);
  const line = (pick: (sample: Sample) => number) =>
    samples.map((sample) => `${x(sample.at).toFixed(1)},${y(pick(sample)).toFixed(1)}`).join(' ');
  return (
    <figure class="chart">
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={label}
      >
        <polyline class="chart-max" points={line((sample) => sample.max)} />
        <polyline class="chart-value" points={line((sample) => sample.value)} />
      </svg>
      <figcaption>
        {label}: {last.value.toFixed(2)} / {last.max.toFixed(2)}
      </figcaption>
    </figure>
  );
}

/** Appends a sample, keeping the newest `limit`. */
export function appendSample(samples: readonly Sample[], sample: Sample, limit = 120): Sample[] {
  return [...samples, sample].slice(-limit);
}

/**
 * Appends a sample of a value that changes in steps (pushed on change, not sampled on
 * a clock): the old value is held until the new sample's time, then it jumps.
 */
export function appendStep(samples: readonly Sample[], sample: Sample, limit = 240): Sample[] {
  const last = samples[samples.length - 1];
  const hold =
    last && sample.at > last.at && (last.value !== sample.value || last.max !== sample.max)
      ? [{ at: sample.at, value: last.value, max: last.max }]
      : [];
  return [...samples, ...hold, sample].slice(-limit);
}
