import {
  columnFilteringFeature,
  createColumnHelper,
  createFilteredRowModel,
  createPaginatedRowModel,
  createSortedRowModel,
  filterFn_includesString,
  globalFilteringFeature,
  rowPaginationFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  tableFeatures,
  useTable,
  type RowData,
} from '@tanstack/react-table';
import { Fragment, useMemo, type ReactNode } from 'react';

/** One column: the value it sorts and filters by, and how a cell shows it (the value as text by default). */
export interface DataColumn<T> {
  id: string;
  header: string;
  value: (row: T) => string | number | null;
  render?: (row: T) => ReactNode;
  numeric?: boolean;
  /** False for a column of buttons: its header does not sort. */
  sortable?: boolean;
}

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric },
  columnFilteringFeature,
  globalFilteringFeature,
  filteredRowModel: createFilteredRowModel(),
  filterFns: { includesString: filterFn_includesString },
  rowPaginationFeature,
  paginatedRowModel: createPaginatedRowModel(),
});

interface Props<T extends RowData> {
  rows: readonly T[];
  /** Keep stable (module scope or memo): a new array rebuilds the table's models. */
  columns: readonly DataColumn<T>[];
  rowKey: (row: T) => string;
  testId: string;
  pageSize?: number;
  rowClass?: (row: T) => string | undefined;
  /** What the filter box searches, for its placeholder. */
  filterLabel?: string;
  /** A full-width row under a row (its details, a form), or null for none; it moves with its row when sorted. */
  detail?: (row: T) => ReactNode;
  /** Extra attributes of a row (data-* for tests and styles); a data-testid here replaces `${testId}-row`. */
  rowAttributes?: (row: T) => Record<`data-${string}`, string>;
  /** False where the screen has filters of its own (the alarm summary): no filter box. */
  filterable?: boolean;
}

/**
 * A table that can grow: click a header to sort (again to reverse), type to filter every text and
 * number column, and page through the rows, so 500 machines or a year of orders stay usable.
 */
export function DataTable<T extends RowData>({ rows, columns, rowKey, testId, pageSize = 50, rowClass, filterLabel = 'Filter', detail, rowAttributes, filterable = true }: Props<T>) {
  const tableColumns = useMemo(() => {
    const helper = createColumnHelper<typeof features, T>();
    return helper.columns(columns.map((c) => helper.accessor((row: T) => c.value(row) ?? '', { id: c.id, header: c.header, sortUndefined: 'last', enableSorting: c.sortable !== false })));
  }, [columns]);
  const data = useMemo(() => [...rows], [rows]);
  const byId = useMemo(() => new Map(columns.map((c) => [c.id, c])), [columns]);
  const table = useTable({
    features,
    columns: tableColumns,
    data,
    globalFilterFn: 'includesString',
    getColumnCanGlobalFilter: () => true,
    initialState: { pagination: { pageIndex: 0, pageSize } },
    getRowId: (row: T) => rowKey(row),
  });
  const { pageIndex } = table.state.pagination;
  const pages = Math.max(1, table.getPageCount());
  const shown = table.getFilteredRowModel().rows.length;

  return (
    <div className="data-table-wrap" data-testid={testId}>
      <div className="data-table-tools">
        {filterable && (
          <input
            className="data-table-filter"
            type="search"
            placeholder={filterLabel}
            aria-label={filterLabel}
            data-testid={`${testId}-filter`}
            value={String(table.state.globalFilter ?? '')}
            onChange={(e) => table.setGlobalFilter(e.target.value)}
          />
        )}
        <span className="hint" data-testid={`${testId}-count`}>
          {shown === rows.length ? `${rows.length} ${rows.length === 1 ? 'row' : 'rows'}` : `${shown} of ${rows.length} rows`}
        </span>
        {pages > 1 && (
          <span className="data-table-pager">
            <button type="button" onClick={() => table.previousPage()} disabled={!table.getCanPreviousPage()} data-testid={`${testId}-prev`}>
              ‹ Previous
            </button>
            <span data-testid={`${testId}-page`}>
              page {pageIndex + 1} of {pages}
            </span>
            <button type="button" onClick={() => table.nextPage()} disabled={!table.getCanNextPage()} data-testid={`${testId}-next`}>
              Next ›
            </button>
          </span>
        )}
      </div>
      <table className="data-table">
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const column = byId.get(header.column.id);
                if (column?.sortable === false)
                  return (
                    <th key={header.id} className={column.numeric ? 'num' : undefined}>
                      {column.header}
                    </th>
                  );
                return (
                  <th key={header.id} className={column?.numeric ? 'num' : undefined} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}>
                    <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()} data-testid={`${testId}-sort`} data-column={header.column.id}>
                      {column?.header ?? header.column.id}
                      <span className="sort-mark">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => {
            const more = detail?.(row.original) ?? null;
            return (
              <Fragment key={row.id}>
                <tr className={rowClass?.(row.original)} data-testid={`${testId}-row`} data-id={row.id} {...rowAttributes?.(row.original)}>
                  {columns.map((c) => (
                    <td key={c.id} className={c.numeric ? 'num' : undefined}>
                      {c.render ? c.render(row.original) : (c.value(row.original) ?? '—')}
                    </td>
                  ))}
                </tr>
                {more !== null && (
                  <tr className="data-table-detail" data-testid={`${testId}-detail`} data-id={row.id}>
                    <td colSpan={columns.length}>{more}</td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
