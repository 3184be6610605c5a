import { escapeHtml, interpolate } from '../../lib/web/html.js';
import { formatDate } from '../../lib/web/format.js';
import type { Language } from '../../lib/web/language.js';
import { messages } from '../messages.js';
import { isEmptyRegister, REGISTERS, updatedAt, type MyData, type Register } from '../registers.js';
import { renderLayout } from './layout.js';
import { time } from './parts.js';
import { renderRegisterData } from './registerViews.js';

/** What {@link renderMyDataPage} needs. */
export interface MyDataPageInput {
  lang: Language;
  path: string;
  csrfToken: string;
  data: MyData;
}

function section(lang: Language, register: Register, data: MyData): string {
  const m = messages[lang];
  const heading = `<h2 id="register-${register}">${escapeHtml(m.registers[register])}</h2>`;
  const open = (state: string) => `<section class="register" data-register="${register}" data-state="${state}" aria-labelledby="register-${register}">\n${heading}\n`;
  const { person } = data;
  // A register that failed is never shown as empty: the citizen must not read "nothing about you" into an outage.
  if (person === null || data.unavailable.has(register)) {
    return `${open('unavailable')}<p class="unavailable">${escapeHtml(m.myData.unavailable)}</p>\n</section>`;
  }
  const updated = updatedAt(person, register);
  const updatedLine = updated ? `<p class="muted">${interpolate(m.myData.updated, { date: time(updated, formatDate(lang, updated)) })}</p>\n` : '';
  if (isEmptyRegister(person, register)) {
    return `${open('empty')}${updatedLine}<p class="empty">${escapeHtml(m.myData.empty[register])}</p>\n</section>`;
  }
  return `${open('data')}${updatedLine}${renderRegisterData(register, lang, person)}\n</section>`;
}

/** "My data": one `section[data-register]` per register, naming the register, its last update and its data. */
export function renderMyDataPage(input: MyDataPageInput): string {
  const m = messages[input.lang];
  const body = `<p>${escapeHtml(m.myData.intro)}</p>
<p><a id="download" href="/download" download="my-data.json">${escapeHtml(m.myData.download)}</a> <span class="muted">${escapeHtml(m.myData.downloadHint)}</span></p>
${REGISTERS.map((register) => section(input.lang, register, input.data)).join('\n')}`;
  return renderLayout({ lang: input.lang, title: m.myData.title, body, path: input.path, current: 'data', csrfToken: input.csrfToken });
}
