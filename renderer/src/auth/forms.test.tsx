// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallError } from '../transport/client';
import { LoginForm } from './LoginForm';
import { SetupForm } from './SetupForm';
import { fillIn, submit } from '../test-dom';

let container: HTMLElement;
let root: Root;

beforeEach(() => {
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

const byTestId = (id: string) => container.querySelector(`[data-testid="${id}"]`);

describe('SetupForm', () => {
  it('shows the contract rules and a confirmation mismatch without calling the host', async () => {
    const onSubmit = vi.fn(() => Promise.resolve());
    act(() => root.render(<SetupForm onSubmit={onSubmit} />));
    fillIn(container, 'setup-username', 'a b');
    fillIn(container, 'setup-password', 'short');
    fillIn(container, 'setup-confirm', 'other');
    await submit(container, 'setup-submit');

    expect(onSubmit).not.toHaveBeenCalled();
    expect(byTestId('setup-username-error')?.textContent).toMatch(/letters, digits/);
    expect(byTestId('setup-password-error')?.textContent).toMatch(/at least 10 characters/i);
    expect(byTestId('setup-confirm-error')?.textContent).toBe('The passwords do not match.');
  });

  it('submits a valid administrator and shows a host refusal', async () => {
    const onSubmit = vi.fn(() => Promise.reject(new CallError('auth.setup', 'conflict', 'setup is already done')));
    act(() => root.render(<SetupForm onSubmit={onSubmit} />));
    fillIn(container, 'setup-username', 'admin');
    fillIn(container, 'setup-password', 'correct horse battery');
    fillIn(container, 'setup-confirm', 'correct horse battery');
    await submit(container, 'setup-submit');

    expect(onSubmit).toHaveBeenCalledWith('admin', 'correct horse battery');
    expect(byTestId('setup-username-error')).toBeNull();
    expect(byTestId('setup-error')?.textContent).toBe('setup is already done');
  });

  it('asks for the setup token the headless host printed, filled in from a #setup= link', async () => {
    const onSubmit = vi.fn(() => Promise.resolve());
    act(() => root.render(<SetupForm onSubmit={onSubmit} tokenRequired locationHash="" />));
    fillIn(container, 'setup-username', 'admin');
    fillIn(container, 'setup-password', 'correct horse battery');
    fillIn(container, 'setup-confirm', 'correct horse battery');
    await submit(container, 'setup-submit');
    expect(onSubmit).not.toHaveBeenCalled();
    expect(byTestId('setup-token-error')?.textContent).toMatch(/setup token printed/);

    act(() => root.unmount());
    root = createRoot(container);
    act(() => root.render(<SetupForm onSubmit={onSubmit} tokenRequired locationHash="#setup=tok-123" />));
    expect((byTestId('setup-token') as HTMLInputElement).value).toBe('tok-123');
    fillIn(container, 'setup-username', 'admin');
    fillIn(container, 'setup-password', 'correct horse battery');
    fillIn(container, 'setup-confirm', 'correct horse battery');
    await submit(container, 'setup-submit');
    expect(onSubmit).toHaveBeenCalledWith('admin', 'correct horse battery', 'tok-123');
  });

  it('shows no token field where the host needs none (the desktop app)', () => {
    act(() => root.render(<SetupForm onSubmit={vi.fn()} locationHash="#setup=tok-123" />));
    expect(byTestId('setup-token')).toBeNull();
  });
});

describe('LoginForm', () => {
  it('says the password is wrong, and clears it', async () => {
    const onSubmit = vi.fn(() => Promise.reject(new CallError('auth.login', 'unauthenticated', 'invalid credentials')));
    act(() => root.render(<LoginForm onSubmit={onSubmit} />));
    fillIn(container, 'login-username', 'ada');
    fillIn(container, 'login-password', 'nope');
    await submit(container, 'login-submit');

    expect(onSubmit).toHaveBeenCalledWith('ada', 'nope');
    expect(byTestId('login-error')?.textContent).toBe('Wrong username or password.');
    expect((byTestId('login-password') as HTMLInputElement).value).toBe('');
  });

  it('says the account is locked, with the host detail', async () => {
    const onSubmit = vi.fn(() => Promise.reject(new CallError('auth.login', 'rate_limited', 'try again in 5 minutes')));
    act(() => root.render(<LoginForm onSubmit={onSubmit} />));
    fillIn(container, 'login-username', 'ada');
    fillIn(container, 'login-password', 'nope');
    await submit(container, 'login-submit');

    expect(byTestId('login-error')?.textContent).toMatch(/locked after too many failed attempts.*try again in 5 minutes/);
  });

  it('says when the host cannot be reached', async () => {
    const onSubmit = vi.fn(() => Promise.reject(new CallError('auth.login', 'disconnected', 'socket closed')));
    act(() => root.render(<LoginForm onSubmit={onSubmit} notice="Your session has ended." />));
    expect(byTestId('login-notice')?.textContent).toBe('Your session has ended.');
    fillIn(container, 'login-username', 'ada');
    fillIn(container, 'login-password', 'secret');
    await submit(container, 'login-submit');
    expect(byTestId('login-error')?.textContent).toMatch(/Cannot reach the FactoryBrain host/);
  });
});
