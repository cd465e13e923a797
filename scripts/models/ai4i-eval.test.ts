import { describe, expect, it } from 'vitest';
import { missingTrainingPackages } from './ai4i-eval';

describe('models:eval without the Python training packages', () => {
  it('names the Debian packages the AI4I folds need in one line, instead of a traceback', () => {
    const line = missingTrainingPackages('/bin/false');
    expect(line).toContain('apt-get install python3-numpy python3-onnx python3-sklearn');
    expect(line).not.toContain('\n');
    expect(missingTrainingPackages('/nonexistent/python3')).toContain('/nonexistent/python3');
  });
});
