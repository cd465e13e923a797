import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const dirs: string[] = [];
function withFile(content: unknown): { cwd: string; file: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'fb-config-'));
  dirs.push(cwd);
  const file = join(cwd, 'config.json');
  writeFileSync(file, JSON.stringify(content));
  return { cwd, file };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('plant time configuration', () => {
  it('defaults to UTC with three shifts, and takes an IANA zone in its canonical spelling', () => {
    const { cwd } = withFile({});
    expect(loadConfig({ cwd }).plant).toEqual({ timeZone: 'UTC', shiftStartHours: [6, 14, 22] });
    const f = withFile({ plant: { timeZone: 'america/chicago', shiftStartHours: [7, 19] } });
    expect(loadConfig({ cwd: f.cwd, file: f.file }).plant).toEqual({ timeZone: 'America/Chicago', shiftStartHours: [7, 19] });
  });

  it('refuses a zone that does not exist, an offset, and shifts out of order, naming the key', () => {
    const bad = (plant: unknown) => {
      const f = withFile({ plant });
      return () => loadConfig({ cwd: f.cwd, file: f.file });
    };
    expect(bad({ timeZone: 'Mars/Olympus_Mons' })).toThrow(ConfigError);
    expect(bad({ timeZone: 'Mars/Olympus_Mons' })).toThrow(/plant\.timeZone: "Mars\/Olympus_Mons" is not a known IANA time zone/);
    expect(bad({ timeZone: '+02:00' })).toThrow(/plant\.timeZone: "\+02:00" is an offset, not a time zone/);
    expect(bad({ shiftStartHours: [14, 6] })).toThrow(/plant\.shiftStartHours: shift start hours must be ascending/);
  });

  it('says what replaced the fixed UTC offset', () => {
    const f = withFile({ agents: { utcOffsetMinutes: 60 } });
    expect(() => loadConfig({ cwd: f.cwd, file: f.file })).toThrow(/agents\.utcOffsetMinutes is replaced by plant\.timeZone/);
  });
});
