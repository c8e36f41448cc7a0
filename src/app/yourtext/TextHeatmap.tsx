import { useMemo } from 'react';
import {
  activationColorScale,
  type ActivationColorScale,
  type ActivationDomain,
} from '../visuals/colorScale.ts';
import { ColorLegend } from '../visuals/ColorLegend.tsx';
import { TokenRecord } from '../visuals/TokenRecord.tsx';
import { TokenTooltipLayer } from '../visuals/TokenTooltipLayer.tsx';
import { useResolvedTheme } from '../shell/theme.ts';
import styles from './YourText.module.css';

/**
 * A text drawn as a neuron's heatmap, with the token records' own visuals (tooltips, keys) and
 * colour scale. `scale` is the neuron page's scale (its records'), so colours compare with them;
 * without one, the scale spans the neuron's recorded largest activation and this text's values.
 */
export function TextHeatmap({
  tokens,
  activations,
  label,
  scale,
  recordedMax,
  legend = true,
}: {
  tokens: readonly string[];
  activations: readonly number[];
  label: string;
  scale?: ActivationColorScale | null;
  /** The neuron's largest activation in its records (the layer index), for the scale's top. */
  recordedMax?: number | null;
  /** Draw the colour key (one is enough for several texts in the same colours). */
  legend?: boolean;
}) {
  const theme = useResolvedTheme();
  const own = useMemo(() => {
    if (scale) return scale;
    let min = 0;
    let max = recordedMax ?? 0;
    for (const value of activations) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
    const domain: ActivationDomain = { min, max: max > 0 ? max : 1 };
    return activationColorScale(domain, theme);
  }, [scale, recordedMax, activations, theme]);
  const tokenStyles = useMemo(() => activations.map((value) => own(value)), [activations, own]);
  const series = useMemo(() => [{ label: 'Activation', values: activations }], [activations]);
  return (
    <div className={styles.heatmap}>
      <TokenTooltipLayer>
        <TokenRecord tokens={tokens} tokenStyles={tokenStyles} series={series} label={label} />
      </TokenTooltipLayer>
      {legend && <ColorLegend scale={own} />}
    </div>
  );
}
