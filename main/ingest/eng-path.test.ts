/**
 * Units and ranges end to end in the main process: a JSON meta message and a Sparkplug birth through
 * the router into the registry (what machines.list and the machines event hand the screens),
 * engineers' edits kept in the store, and the unit in the spoken phrase.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sparkplug from 'sparkplug-payload';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SensorEngEditSchema } from '../../common/contract-eng';
import type { QuarantineEntry } from '../../common/telemetry';
import { alarmRow } from '../../test/support/alarm-row';
import { engRepository, unitsLookup } from '../store/eng-repository';
import { openDatabase, type Db } from '../store/open-database';
import { voiceAlarmFrom } from '../voice/from-alarm';
import { alarmPhrase } from '../voice/phrases';
import { checkRange, checkUnit, engFromJsonMeta, engFromSparkplugProperties, mergeEng } from './eng-info';
import { EngService } from './eng-service';
import { MachineRegistry } from './machine-registry';
import { MessageRouter } from './message-router';
import { Quarantine } from './quarantine';
import { SparkplugDecoder } from './sparkplug';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const sp = sparkplug.get('spBv1.0')!;

function pipeline() {
  const registry = new MachineRegistry({ staleAfterMs: 10_000 });
  const rejected: QuarantineEntry[] = [];
  const router = new MessageRouter({
    maxPayloadBytes: 65_536,
    quarantine: new Quarantine(10),
    sparkplug: new SparkplugDecoder({ maxPayloadBytes: 65_536 }),
    sinks: {
      readings: (batch, protocol) => batch.forEach((r) => registry.observe(r, protocol)),
      meta: (m) => registry.applyMeta(m, NOW),
      offline: () => {},
      rejected: (e) => rejected.push(e),
      publish: () => {},
    },
  });
  return { registry, router, rejected };
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('units and ranges from a JSON meta message', () => {
  it('reach the machine the screens get: units, normal and display ranges, counters', () => {
    const { registry, router, rejected } = pipeline();
    router.route(
      'factory/s/hall/oven/meta',
      json({ type: 'oven', units: { temperature: '°C', parts: 'parts' }, ranges: { temperature: { normal: [40, 80], display: { low: 0, high: 120 } }, pressure: { low: 2, high: 6 } }, counters: ['parts'] }),
      NOW,
    );
    expect(rejected).toEqual([]);
    expect(registry.get('s/hall/oven')?.eng).toEqual({
      temperature: { unit: '°C', normal: { low: 40, high: 80 }, display: { low: 0, high: 120 } },
      parts: { unit: 'parts', counter: true },
      pressure: { normal: { low: 2, high: 6 } },
    });
  });

  it('leaves out a unit too long or with markup and a range with low > high, says so in the quarantine, and applies the rest', () => {
    const { registry, router, rejected } = pipeline();
    router.route(
      'factory/s/hall/oven/meta',
      json({ type: 'oven', name: 'Oven 1', units: { temperature: '°C', a: 'x'.repeat(33), b: '<b>bar</b>', c: 5 }, ranges: { temperature: [90, 10], pressure: [1, 2] }, counters: 'parts' }),
      NOW,
    );
    const machine = registry.get('s/hall/oven')!;
    expect(machine.name).toBe('Oven 1');
    expect(machine.type).toBe('oven');
    expect(machine.eng).toEqual({ temperature: { unit: '°C' }, pressure: { normal: { low: 1, high: 2 } } });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBe('unknown_shape');
    expect(rejected[0]!.detail).toContain('the rest applies');
    expect(rejected[0]!.detail).toContain('units."a" is longer than 32 characters');
    expect(rejected[0]!.detail).toContain('units."b" contains markup');
    expect(rejected[0]!.detail).toContain('units."c" is not a string');
    expect(rejected[0]!.detail).toContain('ranges."temperature" has low 90 not below high 10');
    expect(rejected[0]!.detail).toContain('counters is not a list');
  });

  it('keeps the units through a meta that says nothing of them, and takes a meta that gives units as the whole set', () => {
    const { registry, router } = pipeline();
    router.route('factory/s/hall/oven/meta', json({ type: 'oven', units: { temperature: '°C', power: 'kW' } }), NOW);
    router.route('factory/s/hall/oven/meta', json({ type: 'oven', name: 'Oven 2' }), NOW);
    expect(registry.get('s/hall/oven')?.eng).toEqual({ temperature: { unit: '°C' }, power: { unit: 'kW' } });
    router.route('factory/s/hall/oven/meta', json({ type: 'oven', units: { power: 'W' } }), NOW);
    expect(registry.get('s/hall/oven')?.eng).toEqual({ power: { unit: 'W' } });
  });
});

describe('units and ranges from Sparkplug metric properties', () => {
  it('engUnit, engLow and engHigh of a DBIRTH reach the device machine', () => {
    const { registry, router, rejected } = pipeline();
    router.route('spBv1.0/plant/NBIRTH/edge', sp.encodePayload({ timestamp: NOW, seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] }), NOW);
    router.route(
      'spBv1.0/plant/DBIRTH/edge/press',
      sp.encodePayload({
        timestamp: NOW,
        seq: 1,
        metrics: [
          { name: 'Temp', alias: 1, type: 'Float', value: 61, properties: { engUnit: { type: 'String', value: 'degC' }, engLow: { type: 'Double', value: 0 }, engHigh: { type: 'Double', value: 150 } } },
          { name: 'Bad', alias: 2, type: 'Float', value: 1, properties: { engUnit: { type: 'String', value: '<script>' }, engLow: { type: 'Double', value: 5 }, engHigh: { type: 'Double', value: 1 } } },
          { name: 'Plain', alias: 3, type: 'Float', value: 1 },
        ],
      }),
      NOW,
    );
    expect(registry.get('plant/edge/press')?.eng).toEqual({ Temp: { unit: 'degC', display: { low: 0, high: 150 } } });
    expect(registry.get('plant/edge/press')?.sensors.Temp?.value).toBe(61);
    expect(rejected.map((r) => r.detail).join(' ')).toMatch(/"Bad" engUnit contains markup.*"Bad" engLow\/engHigh has low 5 not below high 1/);
  });

  it('reads Int64 bounds and ignores metrics with no properties', () => {
    const problems: string[] = [];
    expect(engFromSparkplugProperties('x', { engLow: { value: { toNumber: () => -5 } }, engHigh: { value: 5 } }, problems)).toEqual({ display: { low: -5, high: 5 } });
    expect(engFromSparkplugProperties('x', undefined, problems)).toBeNull();
    expect(problems).toEqual([]);
  });
});

describe('eng-info checks', () => {
  it('accepts plain units and ordered finite ranges only', () => {
    expect(checkUnit(' m³/h ')).toBe('m³/h');
    expect(checkUnit('')).toEqual({ problem: 'is empty' });
    expect(checkUnit('a\u0007')).toEqual({ problem: 'contains markup or control characters' });
    expect(checkRange([1, 1])).toEqual({ problem: 'has low 1 not below high 1' });
    expect(checkRange([1, Infinity])).toEqual({ problem: 'has a bound that is not a finite number' });
    expect(checkRange([1, 2, 3])).toEqual({ problem: 'is not [low, high] or {"low", "high"}' });
    expect(engFromJsonMeta({ units: [1] }).problems).toEqual(['units is not an object of metric names']);
  });

  it('merges field by field, the later layer winning', () => {
    expect(mergeEng({ t: { unit: 'C', normal: { low: 1, high: 2 } } }, undefined, { t: { unit: 'K' } }, { p: { counter: true } })).toEqual({
      t: { unit: 'K', normal: { low: 1, high: 2 } },
      p: { counter: true },
    });
    expect(mergeEng(undefined, undefined)).toBeUndefined();
  });
});

describe('engineers edit units and ranges per machine type and per machine', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fb-eng-'));
    db = openDatabase(join(dir, 'store.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a machine edit beats the type edit, which beats the source; both survive a restart and reach exports', () => {
    const { registry, router } = pipeline();
    router.route('factory/s/hall/oven/meta', json({ type: 'oven', units: { temperature: 'C', power: 'kW' } }), NOW);
    const repo = engRepository(db);
    repo.saveSource('s/hall/oven', registry.get('s/hall/oven')!.eng!);
    const eng = new EngService(repo, registry);
    eng.set('type', 'oven', 'temperature', { unit: '°C', normal: { low: 40, high: 80 } });
    eng.set('machine', 's/hall/oven', 'temperature', { normal: { low: 50, high: 70 } });
    expect(registry.get('s/hall/oven')?.eng).toEqual({ temperature: { unit: '°C', normal: { low: 50, high: 70 } }, power: { unit: 'kW' } });
    // every machine goes out again with its merged set
    expect(registry.tick(NOW).map((m) => m.id)).toContain('s/hall/oven');

    const again = new MachineRegistry({ staleAfterMs: 10_000 });
    again.applyMeta({ id: 's/hall/oven', site: 's', area: 'hall', name: 'oven', type: 'oven', protocol: 'json', eng: engRepository(db).sources().get('s/hall/oven')! }, NOW);
    new EngService(engRepository(db), again);
    expect(again.get('s/hall/oven')?.eng?.temperature).toEqual({ unit: '°C', normal: { low: 50, high: 70 } });
    const unitOf = unitsLookup(engRepository(db), () => 'oven');
    expect(unitOf('s/hall/oven', 'temperature')).toBe('°C');
    expect(unitOf('s/hall/oven', 'nothing')).toBeUndefined();

    // removing the machine's edit falls back to the type's range
    eng.set('machine', 's/hall/oven', 'temperature', null);
    expect(registry.get('s/hall/oven')?.eng?.temperature).toEqual({ unit: '°C', normal: { low: 40, high: 80 } });
    expect(eng.overrides().machines).toEqual({});
  });

  it('refuses a bad edit at the contract, and reads a corrupt stored value as none, with a message', () => {
    expect(SensorEngEditSchema.safeParse({ unit: '<i>C</i>' }).success).toBe(false);
    expect(SensorEngEditSchema.safeParse({ unit: 'x'.repeat(40) }).success).toBe(false);
    expect(SensorEngEditSchema.safeParse({ normal: { low: 5, high: 1 } }).success).toBe(false);
    expect(SensorEngEditSchema.safeParse({ unit: '°C', display: { low: 0, high: 100 }, counter: false }).success).toBe(true);
    db.prepare("INSERT INTO settings (key, value) VALUES ('eng.overrides', '{\"types\": 3}')").run();
    db.prepare("INSERT INTO settings (key, value) VALUES ('eng.source:m', 'not json')").run();
    const lines: string[] = [];
    const repo = engRepository(db, (l) => lines.push(l));
    expect(repo.overrides()).toEqual({ types: {}, machines: {} });
    expect(repo.sources().size).toBe(0);
    expect(lines.join('\n')).toMatch(/stored value unreadable/);
  });
});

describe('the spoken phrase carries the unit', () => {
  it('says "95 degrees Celsius" for an alarm on a sensor whose meta gives °C', () => {
    const { registry, router } = pipeline();
    router.route('factory/s/hall/M014/meta', json({ type: 'mill', name: 'M014', units: { temperature: '°C' } }), NOW);
    const alarm = alarmRow('a', { machineId: 's/hall/M014', level: 'HH', priority: 'high', message: 'bearings overheating', raisedAt: NOW, value: 95, limit: 90, updatedAt: NOW });
    const spoken = voiceAlarmFrom(alarm, registry.get('s/hall/M014'));
    expect(spoken.unit).toBe('°C');
    expect(alarmPhrase(spoken)).toBe('Machine M014 bearings overheating. Current temperature: 95 degrees Celsius.');
    expect(voiceAlarmFrom({ ...alarm, sensor: 'pressure' }, registry.get('s/hall/M014')).unit).toBeNull();
  });
});
