// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import '../test-dom';
import { fillIn } from '../test-dom';
import { DataTable, type DataColumn } from './DataTable';

interface Row {
  id: string;
  name: string;
  kwh: number | null;
}
const COLUMNS: DataColumn<Row>[] = [
  { id: 'name', header: 'Machine', value: (r) => r.name },
  { id: 'kwh', header: 'kWh', value: (r) => r.kwh, render: (r) => (r.kwh === null ? '—' : r.kwh.toFixed(1)), numeric: true },
];
const ROWS: Row[] = Array.from({ length: 120 }, (_, i) => ({ id: `m${i}`, name: `${i % 2 ? 'Press' : 'Pump'} ${String(i).padStart(3, '0')}`, kwh: i === 5 ? null : (i * 37) % 101 }));

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

const names = () => [...container.querySelectorAll('[data-testid="t-row"]')].map((r) => r.querySelector('td')?.textContent);
const $ = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
const click = (el: HTMLElement) => act(() => el.click());

describe('DataTable', () => {
  it('pages 120 rows 50 at a time, and sorts by a column both ways', () => {
    act(() => root.render(<DataTable rows={ROWS} columns={COLUMNS} rowKey={(r) => r.id} testId="t" />));
    expect(names()).toHaveLength(50);
    expect($('t-page').textContent).toBe('page 1 of 3');
    click($('t-next'));
    expect($('t-page').textContent).toBe('page 2 of 3');
    expect(names()[0]).toBe('Pump 050');

    const kwhHeader = container.querySelector<HTMLElement>('[data-testid="t-sort"][data-column="kwh"]')!;
    click(kwhHeader);
    click($('t-prev'));
    const first = [...container.querySelectorAll('[data-testid="t-row"]')].map((r) => r.querySelectorAll('td')[1]?.textContent);
    const direction = kwhHeader.closest('th')?.getAttribute('aria-sort');
    expect(['ascending', 'descending']).toContain(direction);
    const values = first.filter((v) => v !== '—').map(Number);
    expect(values).toEqual([...values].sort((a, b) => (direction === 'ascending' ? a - b : b - a)));
    // a second click reverses it
    click(kwhHeader);
    expect(kwhHeader.closest('th')?.getAttribute('aria-sort')).toBe(direction === 'ascending' ? 'descending' : 'ascending');
  });

  it('filters every column by text and says how many rows match', () => {
    act(() => root.render(<DataTable rows={ROWS} columns={COLUMNS} rowKey={(r) => r.id} testId="t" />));
    fillIn(container, 't-filter', 'Press 00');
    expect(names()).toEqual(['Press 001', 'Press 003', 'Press 005', 'Press 007', 'Press 009']);
    expect($('t-count').textContent).toBe('5 of 120 rows');
    expect(container.querySelector('[data-testid="t-page"]')).toBeNull();
  });

  it('keeps a row\'s detail under it when sorted, marks each row with its key, and leaves a column of buttons unsorted', () => {
    const rows = ROWS.slice(0, 3);
    const columns: DataColumn<Row>[] = [...COLUMNS, { id: 'act', header: 'Actions', value: () => null, render: (r) => <button type="button">open {r.id}</button>, sortable: false }];
    act(() => root.render(<DataTable rows={rows} columns={columns} rowKey={(r) => r.id} testId="t" detail={(r) => (r.id === 'm1' ? <p>details of {r.name}</p> : null)} />));
    expect([...container.querySelectorAll('[data-testid="t-row"]')].map((r) => r.getAttribute('data-id'))).toEqual(['m0', 'm1', 'm2']);
    expect(container.querySelector('[data-testid="t-sort"][data-column="act"]')).toBeNull();
    expect(container.querySelectorAll('th')[2]?.textContent).toBe('Actions');
    const order = () => [...container.querySelectorAll('tbody tr')].map((r) => `${r.getAttribute('data-testid')}:${r.getAttribute('data-id')}`);
    expect(order()).toEqual(['t-row:m0', 't-row:m1', 't-detail:m1', 't-row:m2']);
    expect(container.querySelector('[data-testid="t-detail"] td')?.getAttribute('colspan')).toBe('3');
    // By name descending: Pump 002, Pump 000, Press 001; the detail follows Press 001.
    const byName = container.querySelector<HTMLElement>('[data-testid="t-sort"][data-column="name"]')!;
    click(byName);
    if (byName.closest('th')?.getAttribute('aria-sort') !== 'descending') click(byName);
    expect(order()).toEqual(['t-row:m2', 't-row:m0', 't-row:m1', 't-detail:m1']);
  });
});
