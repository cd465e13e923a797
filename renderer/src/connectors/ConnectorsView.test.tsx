// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bridge, CallName, Health } from '../../../common/contract';
import type { Role } from '../../../common/roles';
import { createServices, type Services } from '../app/services';
import { ServicesContext } from '../app/services-context';
import { fillIn, submit } from '../test-dom';
import { sessionTokenStore } from '../transport/session-token';
import { ConnectorsView } from './ConnectorsView';

type Answer = (request: Record<string, unknown>) => unknown;

let container: HTMLElement;
let root: Root;
let services: Services;
let answers: Partial<Record<CallName, Answer>>;
let received: { name: CallName; request: Record<string, unknown> }[];

const THUMB = 'ab'.repeat(20);
const OWN_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

const settingsAnswer = () => ({
  modbus: { from: 'config', devices: [] },
  opcua: {
    from: 'ui',
    applicationName: 'FactoryBrain',
    servers: [{ name: 'line1', endpointUrl: 'opc.tcp://plc:4840', securityMode: 'None', securityPolicy: 'None', identity: { type: 'anonymous' }, machines: {}, subscriptions: [] }],
  },
  historian: { from: 'config', url: 'postgres://fb@db:5432/history', readings: 'raw', passwordSet: true },
});

beforeEach(() => {
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  received = [];
  answers = {
    'connectors.settings': settingsAnswer,
    'opcua.certificates': () => ({ own: { thumbprint: 'cd'.repeat(20), subject: 'FactoryBrain', file: '/data/pki/opcua/own/certs/client.pem', pem: OWN_PEM }, trusted: [], rejected: [{ thumbprint: THUMB, subject: 'PLC' }] }),
    'opcua.browse': (r) =>
      r['nodeId'] === undefined
        ? [{ nodeId: 'ns=1;i=1000', browseName: '1:Press1', displayName: 'Press1', nodeClass: 'Object' }]
        : [{ nodeId: 'ns=1;s=Press1.Temperature', browseName: '1:Temperature', displayName: 'Temperature', nodeClass: 'Variable' }],
    'opcua.describe': (r) => ({ nodeId: r['nodeId'], unit: '°C', range: { low: 0, high: 150 } }),
    'opcua.trust': (r) => ({ thumbprint: r['thumbprint'], subject: 'PLC' }),
    'connectors.opcua.set': () => ({ ok: true }),
    'connectors.opcua.password': () => ({ ok: true }),
    'connectors.modbus.set': () => ({ ok: true }),
    'connectors.historian.set': () => ({ ok: true }),
  };
  const bridge: Bridge = {
    invoke: (async (name: CallName, request: Record<string, unknown>) => {
      received.push({ name, request });
      const answer = answers[name];
      if (!answer) return { ok: false, error: { code: 'unknown_call', message: `no ${name} here` } };
      try {
        return { ok: true, data: answer(request) };
      } catch (error) {
        return { ok: false, error: { code: 'bad_request', message: (error as Error).message } };
      }
    }) as Bridge['invoke'],
    onEvent: () => () => undefined,
  };
  services = createServices(bridge, sessionTokenStore(sessionStorage), { schedule: (flush) => flush() });
  services.health.setState({
    health: {
      fieldSources: [
        { protocol: 'opcua', name: 'line1', endpoint: 'opc.tcp://plc:4840', state: 'ok', lastError: null },
        { protocol: 'modbus', name: 'pump-2', endpoint: '10.0.0.7:502', state: 'lost', lastError: 'timed out' },
      ],
      historian: { state: 'failing', lastError: 'connection refused', backlogRows: 1200, backlogCapped: false, backlogSeconds: 45, forwardedValues: 10, forwardedEvents: 2, duplicatesSkipped: 0, alarm: null },
    } as unknown as Health,
  });
});
afterEach(() => {
  act(() => root.unmount());
  services.dispose();
  container.remove();
});

async function show(role: Role) {
  services.session.setState({ status: 'loggedIn', user: { id: 1, username: 'u', role }, token: 't' });
  await act(async () => {
    root.render(
      <ServicesContext value={services}>
        <ConnectorsView />
      </ServicesContext>,
    );
  });
  await settle();
}
const settle = () => act(async () => new Promise((r) => setTimeout(r, 0)));
const $ = (testId: string) => container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
const $$ = (testId: string) => [...container.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)];
const click = (el: HTMLElement | null | undefined) => act(async () => el!.click());
const choose = (testId: string, value: string) =>
  act(() => {
    const select = $(testId) as HTMLSelectElement;
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
const sent = (name: CallName) => received.filter((r) => r.name === name).map((r) => r.request);

describe('ConnectorsView', () => {
  it('shows every connection with its state, and this console certificate for the server admin, read-only to a supervisor', async () => {
    await show('supervisor');
    expect($$('field-source').map((r) => [r.dataset['name'], r.dataset['state']])).toEqual([
      ['line1', 'ok'],
      ['pump-2', 'lost'],
    ]);
    expect($$('opcua-endpoint').map((r) => r.textContent)).toEqual(['line1opc.tcp://plc:4840None / Noneanonymous0']);
    expect($('own-thumbprint')?.textContent).toBe('cd'.repeat(20));
    expect(($('own-pem') as HTMLTextAreaElement).value).toBe(OWN_PEM);
    expect($('rejected-certificate')?.dataset['thumbprint']).toBe(THUMB);
    // changes are the administrator's: no forms, no trust button
    expect($('opcua-add')).toBeNull();
    expect($('trust-certificate')).toBeNull();
    expect($('modbus-add')).toBeNull();
    expect($('historian-save')).toBeNull();
    expect($('historian-state')?.textContent).toBe('failing (connection refused)');
    expect($('historian-backlog')?.textContent).toBe('1200 rows, 45 s behind');
  });

  it('reads the certificates again when a server’s connection state changes (a connection attempt creates and files them)', async () => {
    await show('supervisor');
    const before = sent('opcua.certificates').length;
    const health = services.health.getState().health!;
    act(() => services.health.setState({ health: { ...health, fieldSources: health.fieldSources!.map((f) => ({ ...f, state: 'lost' as const })) } }));
    await settle();
    expect(sent('opcua.certificates').length).toBe(before + 1);
  });

  it('refuses a bad endpoint naming the key, then adds one with a user whose password goes by its own call', async () => {
    await show('admin');
    fillIn(container, 'opcua-name', 'line2');
    fillIn(container, 'opcua-url', 'http://plc2');
    await submit(container, 'opcua-add-submit');
    expect($('opcua-issues')?.textContent).toBe('servers.1.endpointUrl: must be an opc.tcp://host:port URL');
    expect(sent('connectors.opcua.set')).toEqual([]);

    fillIn(container, 'opcua-url', 'opc.tcp://plc2:4840');
    await choose('opcua-identity', 'username');
    fillIn(container, 'opcua-username', 'eng');
    fillIn(container, 'opcua-password', 's3cret');
    await submit(container, 'opcua-add-submit');
    await settle();
    expect($('opcua-issues')).toBeNull();
    const request = sent('connectors.opcua.set')[0] as { servers: { name: string; identity: unknown; securityMode: string }[] };
    expect(request.servers.map((s) => s.name)).toEqual(['line1', 'line2']);
    expect(request.servers[1]).toMatchObject({ endpointUrl: 'opc.tcp://plc2:4840', securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256', identity: { type: 'username', username: 'eng' } });
    expect(JSON.stringify(request)).not.toContain('s3cret');
    expect(sent('connectors.opcua.password')).toEqual([{ server: 'line2', password: 's3cret' }]);
  });

  it('browses the address space and maps a variable with unit and range from the server', async () => {
    await show('admin');
    await click($('browse-open'));
    await settle();
    await click($$('tree-toggle')[0]);
    await settle();
    const variable = container.querySelector<HTMLElement>('[data-node="ns=1;s=Press1.Temperature"]');
    expect(variable?.dataset['class']).toBe('Variable');
    await click(variable!.querySelector<HTMLElement>('[data-testid="tree-pick"]'));
    await settle();
    expect(($('map-unit') as HTMLInputElement).value).toBe('°C');
    expect(($('map-low') as HTMLInputElement).value).toBe('0');
    expect(($('map-high') as HTMLInputElement).value).toBe('150');
    expect(($('map-metric') as HTMLInputElement).value).toBe('temperature');

    fillIn(container, 'map-machine', 'press-1');
    fillIn(container, 'map-sampling', '250ms');
    await submit(container, 'map-submit');
    expect($('opcua-issues')?.textContent).toMatch(/^servers\.0\.subscriptions\.0\.samplingIntervalMs: /);
    expect(sent('connectors.opcua.set')).toEqual([]);

    fillIn(container, 'map-sampling', '250');
    await choose('map-deadband-type', 'absolute');
    fillIn(container, 'map-deadband', '0.5');
    await submit(container, 'map-submit');
    await settle();
    const server = (sent('connectors.opcua.set')[0] as { servers: { machines: unknown; subscriptions: unknown[] }[] }).servers[0]!;
    expect(server.machines).toEqual({ 'press-1': { site: 'plant1', area: 'opcua' } });
    expect(server.subscriptions).toEqual([
      {
        publishingIntervalMs: 250,
        samplingIntervalMs: 250,
        deadband: { type: 'absolute', value: 0.5 },
        queueSize: 10,
        items: [{ nodeId: 'ns=1;s=Press1.Temperature', machine: 'press-1', metric: 'temperature', unit: '°C', range: { low: 0, high: 150 } }],
      },
    ]);
    expect($('mapping-form')).toBeNull();
  });

  it('trusts a rejected server certificate on an administrator’s word', async () => {
    await show('admin');
    await click($('trust-certificate'));
    await settle();
    expect(sent('opcua.trust')).toEqual([{ thumbprint: THUMB }]);
    expect($('trust-result')?.textContent).toBe('Trusted PLC; the next connection attempt uses it.');
  });

  it('edits a Modbus device, refusing a value out of range by its key', async () => {
    await show('admin');
    await click($('modbus-add'));
    fillIn(container, 'modbus-host', '10.0.0.9');
    fillIn(container, 'modbus-unit', '300');
    await act(async () => ($('modbus-form') as HTMLFormElement).requestSubmit());
    expect($('modbus-issues')?.textContent).toMatch(/^devices\.0\.unitId: /);
    expect(sent('connectors.modbus.set')).toEqual([]);

    fillIn(container, 'modbus-unit', '7');
    await choose('point-type', 'float32');
    await choose('point-word-order', 'little');
    fillIn(container, 'point-scale', '0.1');
    await click($('point-add'));
    await act(async () => ($('modbus-form') as HTMLFormElement).requestSubmit());
    await settle();
    const device = (sent('connectors.modbus.set')[0] as { devices: { host: string; unitId: number; blocks: { points: unknown[] }[] }[] }).devices[0]!;
    expect(device).toMatchObject({ name: 'device-1', host: '10.0.0.9', unitId: 7 });
    expect(device.blocks[0]!.points).toEqual([
      { metric: 'value', address: 0, type: 'float32', wordOrder: 'little', scale: 0.1, offset: 0 },
      { metric: 'value2', address: 1, type: 'float32', wordOrder: 'big', scale: 1, offset: 0 },
    ]);
  });

  it('never shows the historian password back, and sends one only when typed', async () => {
    await show('admin');
    expect($('historian-password-state')?.textContent).toBe('Password: stored');
    expect(($('historian-password') as HTMLInputElement).value).toBe('');
    await choose('historian-readings', '1m');
    await act(async () => $('historian-save')!.closest('form')!.requestSubmit());
    await settle();
    expect(sent('connectors.historian.set')[0]).not.toHaveProperty('password');
    expect(sent('connectors.historian.set')[0]).toMatchObject({ url: 'postgres://fb@db:5432/history', readings: '1m' });

    fillIn(container, 'historian-url', 'postgres://fb:pw@db/history');
    await act(async () => $('historian-save')!.closest('form')!.requestSubmit());
    expect($('historian-issues')?.textContent).toBe('url: put the password in the password field, not in the URL');
    fillIn(container, 'historian-url', 'postgres://fb@db/history');
    fillIn(container, 'historian-password', 'pw');
    await act(async () => $('historian-save')!.closest('form')!.requestSubmit());
    await settle();
    expect(sent('connectors.historian.set')[1]).toMatchObject({ url: 'postgres://fb@db/history', password: 'pw' });
  });
});
