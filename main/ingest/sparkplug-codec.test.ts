import { describe, expect, it } from 'vitest';
import { parseSparkplugTopic } from './sparkplug-codec';

describe('parseSparkplugTopic', () => {
  it('parses node and device topics, ignores commands and host state, refuses the rest', () => {
    expect(parseSparkplugTopic('spBv1.0/g/DDATA/e/d')).toEqual({ group: 'g', type: 'DDATA', edge: 'e', device: 'd' });
    expect(parseSparkplugTopic('spBv1.0/g/NDATA/e')).toEqual({ group: 'g', type: 'NDATA', edge: 'e', device: null });
    expect(parseSparkplugTopic('spBv1.0/g/NCMD/e')).toBe('ignore');
    expect(parseSparkplugTopic('spBv1.0/STATE/host1')).toBe('ignore');
    for (const t of ['spBv1.0/g/NDATA/e/d', 'spBv1.0/g/DDATA/e', 'spBv1.0/g/XDATA/e', 'spBv1.0/g/NDATA', 'spBv1.0/g/DDATA/e/d/x', 'spBv1.0//NDATA/e', 'spAv1.0/g/NDATA/e']) {
      expect(parseSparkplugTopic(t), t).toBeNull();
    }
  });
});
