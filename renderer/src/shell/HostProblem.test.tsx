// @vitest-environment jsdom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import '../test-dom';
import { HostProblem, problemSentence } from './HostProblem';

describe('problemSentence', () => {
  it('ends a message without a full stop with one, and leaves a finished sentence as it is', () => {
    expect(problemSentence('too many requests')).toBe('too many requests.');
    expect(problemSentence('Cannot reach the FactoryBrain host.')).toBe('Cannot reach the FactoryBrain host.');
    expect(problemSentence('Is the host up?')).toBe('Is the host up?');
    expect(problemSentence('timed out ')).toBe('timed out.');
  });
});

describe('HostProblem', () => {
  it('says the problem and that values are stale, as two sentences, and nothing without a problem', () => {
    const container = document.body.appendChild(document.createElement('div'));
    const root = createRoot(container);
    act(() => root.render(<HostProblem problem="request timed out" />));
    expect(container.querySelector('[data-testid="host-problem"]')?.textContent).toBe('request timed out. Values shown are stale.');
    act(() => root.render(<HostProblem problem={null} />));
    expect(container.querySelector('[data-testid="host-problem"]')).toBeNull();
    act(() => root.unmount());
    container.remove();
  });
});
