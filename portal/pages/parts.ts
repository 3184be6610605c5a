import { escapeHtml } from '../../lib/web/html.js';
import { formatDateTime } from '../../lib/web/format.js';
import type { Language } from '../../lib/web/language.js';

/** A table cell: trusted HTML, optionally right-aligned (numbers). */
export interface Cell {
  html: string;
  numeric?: boolean;
}

/**
 * A data table with a caption and column headers (`th scope="col"`); the first cell of each row is its header
 * (`th scope="row"`). It sits in a box that scrolls sideways on narrow screens, reachable by keyboard.
 */
export function dataTable(id: string, caption: string, headers: ReadonlyArray<{ text: string; numeric?: boolean }>, rows: ReadonlyArray<ReadonlyArray<Cell>>): string {
  if (!/^[a-z][a-z0-9-]*$/.test(id)) throw new TypeError(`dataTable: "id" must be a lower-case id, got ${JSON.stringify(id)}`);
  const head = headers.map((h) => `<th scope="col"${h.numeric ? ' class="num"' : ''}>${escapeHtml(h.text)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell, i) => {
      const tag = i === 0 ? 'th scope="row"' : 'td';
      const close = i === 0 ? 'th' : 'td';
      return `<${tag}${cell.numeric ? ' class="num"' : ''}>${cell.html}</${close}>`;
    }).join('')}</tr>`)
    .join('\n');
  // WCAG 2.1.1: a scrolling region must be reachable by keyboard, hence tabindex and a name (the caption).
  return `<div class="table-wrap" role="region" aria-labelledby="${id}-caption" tabindex="0">
<table id="${id}">
<caption id="${id}-caption">${escapeHtml(caption)}</caption>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
</div>`;
}

/** A description list of label/value pairs; values are trusted HTML. */
export function descriptionList(rows: ReadonlyArray<[string, string]>): string {
  return `<dl>\n${rows.map(([label, html]) => `<dt>${escapeHtml(label)}</dt><dd>${html}</dd>`).join('\n')}\n</dl>`;
}

/** A plain paragraph of text. */
export function paragraph(text: string, className?: string): string {
  return `<p${className ? ` class="${escapeHtml(className)}"` : ''}>${escapeHtml(text)}</p>`;
}

/** A `<time>` element: the machine-readable value and the text shown. */
export function time(datetime: string, text: string): string {
  return `<time datetime="${escapeHtml(datetime)}">${escapeHtml(text)}</time>`;
}

/** A timestamp as `<time>` in the page language (Helsinki time), or the raw text if it is not a date. */
export function dateTime(lang: Language, iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? escapeHtml(iso) : time(iso, formatDateTime(lang, date));
}
