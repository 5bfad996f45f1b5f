export interface LegendItem {
  key: string;
  label: string;
  /** How the swatch is drawn: a solid or dashed line, a band, a dotted line or a marker. */
  look: 'line' | 'dashed' | 'dotted' | 'band' | 'point';
  color: string;
  /** The outline of a band's swatch, as the chart draws its edge. */
  edge?: string;
}

/** The chart's legend in HTML: it wraps, translates, and a screen reader can read it. */
export function ChartLegend({ items, label, testId }: { items: LegendItem[]; label: string; testId?: string }) {
  return (
    <ul className="prediction-legend" aria-label={label} data-testid={testId}>
      {items.map((i) => (
        <li key={i.key} data-legend={i.key}>
          <span className={`prediction-swatch prediction-swatch--${i.look}`} style={{ color: i.color, ...(i.edge ? { outlineColor: i.edge } : {}) }} aria-hidden="true" />
          {i.label}
        </li>
      ))}
    </ul>
  );
}
