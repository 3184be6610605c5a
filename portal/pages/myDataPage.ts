import { escapeHtml, interpolate } from '../../lib/web/html.js';
import { formatDate } from '../../lib/web/format.js';
import type { Language } from '../../lib/web/language.js';
import { messages } from '../messages.js';
import { isEmptyRegister, REGISTERS, updatedAt, type MyData, type Register } from '../registers.js';
import { fieldLabel } from '../fieldLabels.js';
import { REPORTABLE_ITEMS } from '../requestModel.js';
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

/** The *Report an error* links of a register section: one per item, each opening the Ask or report box with it attached. */
function reportLinks(lang: Language, register: Register): string {
  const m = messages[lang];
  const context = `<span class="vh"> ${escapeHtml(m.myData.reportErrorContext.replace('{item}', m.registers[register]))}</span>`;
  const links = REPORTABLE_ITEMS[register].map((item) => `<li><a class="report-error" data-about="${escapeHtml(item)}" href="/requests/new?about=${encodeURIComponent(item)}">${escapeHtml(fieldLabel(item, lang))}${context}</a></li>`).join('');
  return `<div class="report" id="report-${register}"><span>${escapeHtml(m.myData.reportError)}</span> <ul>${links}</ul></div>`;
}

function section(lang: Language, register: Register, data: MyData): string {
  const m = messages[lang];
  const heading = `<h2 id="register-${register}">${escapeHtml(m.registers[register])}</h2>`;
  const open = (state: string) => `<section class="register" data-register="${register}" data-state="${state}" aria-labelledby="register-${register}">\n${heading}\n`;
  const { person } = data;
  // A register that failed is never shown as empty: the citizen must not read "nothing about you" into an outage.
  if (person === null || data.unavailable.has(register)) {
    return `${open('unavailable')}<p class="unavailable">${escapeHtml(m.myData.unavailable)}</p>\n${reportLinks(lang, register)}\n</section>`;
  }
  const updated = updatedAt(person, register);
  const updatedLine = updated ? `<p class="muted">${interpolate(m.myData.updated, { date: time(updated, formatDate(lang, updated)) })}</p>\n` : '';
  if (isEmptyRegister(person, register)) {
    return `${open('empty')}${updatedLine}<p class="empty">${escapeHtml(m.myData.empty[register])}</p>\n${reportLinks(lang, register)}\n</section>`;
  }
  return `${open('data')}${updatedLine}${renderRegisterData(register, lang, person)}\n${reportLinks(lang, register)}\n</section>`;
}

/** "My data": one `section[data-register]` per register, naming the register, its last update and its data. */
export function renderMyDataPage(input: MyDataPageInput): string {
  const m = messages[input.lang];
  const body = `<p>${escapeHtml(m.myData.intro)}</p>
<p><a id="download" href="/download" download="my-data.jwt">${escapeHtml(m.myData.download)}</a> <span class="muted">${escapeHtml(m.myData.downloadHint)}</span></p>
${REGISTERS.map((register) => section(input.lang, register, input.data)).join('\n')}`;
  return renderLayout({ lang: input.lang, title: m.myData.title, body, path: input.path, current: 'data', csrfToken: input.csrfToken });
}
