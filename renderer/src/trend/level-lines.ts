import uPlot from 'uplot';

/**
 * Draws each level as a dashed line across the plot, its label just above the line's left end, in
 * `pen`; a level outside the y range is left out. `alignLeft` sets the label's alignment, which
 * otherwise stays as uPlot's axes left it on the context.
 */
export function drawLevelLines(u: uPlot, levels: readonly { value: number; label: string }[], style: { pen: string; fontPx: number; alignLeft: boolean }): void {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.strokeStyle = style.pen;
  ctx.fillStyle = style.pen;
  ctx.lineWidth = uPlot.pxRatio;
  ctx.setLineDash([6 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
  ctx.font = `${Math.round(style.fontPx * uPlot.pxRatio)}px sans-serif`;
  if (style.alignLeft) {
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
  }
  for (const level of levels) {
    const y = u.valToPos(level.value, 'y', true);
    if (!Number.isFinite(y) || y < top || y > top + height) continue;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
    ctx.fillText(level.label, left + 4 * uPlot.pxRatio, y - 3 * uPlot.pxRatio);
  }
  ctx.restore();
}
