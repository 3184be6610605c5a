import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DatabaseSync } from 'node:sqlite';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  describeWithChromium,
  expectNoSeriousAxeViolations,
  htmlLang,
  personas,
  screenshot,
  startHubAndBrowser,
  testLogin,
  type Language,
  type SpawnedHub,
} from './support.js';

// Requests end to end in headless Chromium against the hub `npm start` runs (issue 11, "Tests and proof"): in
// Finnish, Swedish and English a citizen reports an error in their address from My data, the population
// register's caseworker signs in to the console, opens the case and replies, and the citizen reads the reply. A
// request that went to the wrong place is sent to triage by the citizen and routed by hand by a triage caseworker:
// the move is kept as a labelled correction. Every new page is checked with axe and screenshotted.

const REPORTS: Readonly<Record<Language, { text: string; reply: string }>> = {
  fi: {
    text: 'Osoitteeni väestötietojärjestelmässä on väärä. Muutin viime kuussa, uusi osoitteeni on Mannerheimintie 5 A 3, 00100 Helsinki.',
    reply: 'Kiitos ilmoituksesta. Teittekö muuttoilmoituksen? Lähettäkää muuttopäivä, niin korjaamme osoitteen.',
  },
  sv: {
    text: 'Min adress i befolkningsdatasystemet är fel. Jag flyttade förra månaden, min nya adress är Mannerheimvägen 5 A 3, 00100 Helsingfors.',
    reply: 'Tack för anmälan. Har du gjort en flyttanmälan? Skicka flyttdagen så rättar vi adressen.',
  },
  en: {
    text: 'My address in the population register is wrong. I moved last month, my new address is Mannerheimintie 5 A 3, 00100 Helsinki.',
    reply: 'Thank you for letting us know. Did you file a notice of move? Send us the date of the move and we will correct the address.',
  },
};
/** A clear education matter that the citizen then says went to the wrong place. */
const DEGREE_TEXT = 'My master’s degree from the University of Helsinki in 2019 is missing from the register of degrees.';

let hub: SpawnedHub;
let browser: Browser;

function newContext(lang: Language): Promise<BrowserContext> {
  return browser.newContext({
    locale: lang,
    extraHTTPHeaders: { 'accept-language': lang },
    viewport: { width: 1000, height: 800 },
    // The pages' CSP has no script-src: without this the injected axe-core script could not run.
    bypassCSP: true,
  }).then((context) => {
    context.setDefaultTimeout(10_000);
    return context;
  });
}

/** Signs in on the portal as `persona`; resolves on My data. */
async function citizenSignIn(page: Page, persona: string): Promise<void> {
  await page.goto(`${hub.portalUrl}/`);
  await page.locator('a#sign-in').click();
  await page.locator('form#login').waitFor();
  await testLogin(page, persona);
  await page.locator('section[data-register=population]').waitFor();
}

/** Signs in to the console as caseworker `id`; resolves on the queue page. */
async function caseworkerSignIn(page: Page, id: string, lang: Language, shots: boolean): Promise<void> {
  await page.goto(`${hub.consoleUrl}/`);
  await page.locator('a#sign-in').waitFor();
  if (shots) {
    expect(await htmlLang(page)).toBe(lang);
    await screenshot(page, 'console', 'signed-out', lang);
    await expectNoSeriousAxeViolations(page, `console signed out (${lang})`);
  }
  await page.locator('a#sign-in').click();
  await page.locator('form#login').waitFor();
  await testLogin(page, id);
  await page.locator('section.status-group').first().waitFor();
  expect(new URL(page.url()).origin).toBe(hub.consoleUrl);
}

describeWithChromium('requests in Chromium: the portal and the caseworkers’ console', () => {
  beforeAll(async () => {
    ({ hub, browser } = await startHubAndBrowser({ partnerOn4300: false }));
  }, 45_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  describe.each((['fi', 'sv', 'en'] as const).map((lang, index): [Language, number] => [lang, index]))('in %s', (lang, index) => {
    it('a citizen reports an error in their address; the population caseworker replies in the console; the citizen reads the reply', async () => {
      const citizen = await newContext(lang);
      const caseworker = await newContext(lang);
      try {
        const page = await citizen.newPage();
        await citizenSignIn(page, personas[index]!.personalIdentityCode);
        // Report an error beside the population register's section, with the address attached.
        await page.locator('section[data-register=population] a.report-error[data-about="Person.address"]').click();
        await page.locator('form#request').waitFor();
        await expect(page.locator('dl#about').getAttribute('data-about')).resolves.toBe('Person.address');
        expect(await htmlLang(page)).toBe(lang);
        await screenshot(page, 'requests', 'report-error', lang);
        await expectNoSeriousAxeViolations(page, `Report an error (${lang})`);
        await page.locator('textarea#text').fill(REPORTS[lang].text);
        await page.locator('form#request button[type=submit]').click();
        await page.locator('#handled-by').waitFor();
        await expect(page.locator('#handled-by').getAttribute('data-queue')).resolves.toBe('POPULATION');
        const id = (await page.locator('#case-number').innerText()).trim();
        expect(id).toMatch(/^R-/);
        await screenshot(page, 'requests', 'sent', lang);
        await expectNoSeriousAxeViolations(page, `request sent (${lang})`);

        // The population register's caseworker, in the same language.
        const desk = await caseworker.newPage();
        await caseworkerSignIn(desk, 'cw-population-1', lang, true);
        await expect(desk.locator('#signed-in-as').getAttribute('data-queue')).resolves.toBe('POPULATION');
        const link = desk.locator(`section#status-RECEIVED a.case[data-case-id="${id}"]`);
        await link.waitFor();
        await screenshot(desk, 'console', 'queue', lang);
        await expectNoSeriousAxeViolations(desk, `console queue (${lang})`);
        await link.click();
        await desk.locator('article#case').waitFor();
        expect(await desk.locator('#case-text').innerText()).toBe(REPORTS[lang].text);
        await expect(desk.locator('#about').getAttribute('data-about')).resolves.toBe('Person.address');
        expect((await desk.locator('#subject').innerText()).trim()).toBe(`${personas[index]!.firstNames} ${personas[index]!.lastName}`);
        await screenshot(desk, 'console', 'case', lang);
        await expectNoSeriousAxeViolations(desk, `console case (${lang})`);
        await desk.locator('form#reply textarea').fill(REPORTS[lang].reply);
        await desk.locator('form#reply button[type=submit]').click();
        await desk.locator('p#notice[data-notice=replied]').waitFor();
        await expect(desk.locator('#case-status').getAttribute('data-status')).resolves.toBe('WAITING_FOR_CITIZEN');
        expect(await desk.locator('ol#conversation li[data-from=CASEWORKER] .text').innerText()).toBe(REPORTS[lang].reply);

        // The citizen reads the reply on My requests.
        await page.locator('a#nav-requests').click();
        const request = page.locator(`article.request[data-request-id="${id}"]`);
        await request.waitFor();
        await expect(request.getAttribute('data-status')).resolves.toBe('WAITING_FOR_CITIZEN');
        expect(await request.locator('li[data-from=CASEWORKER] .text').innerText()).toBe(REPORTS[lang].reply);
        await screenshot(page, 'requests', 'my-requests', lang);
        await expectNoSeriousAxeViolations(page, `My requests (${lang})`);
      } finally {
        await citizen.close();
        await caseworker.close();
      }
    }, 60_000);
  });

  it('a request in the wrong place: the citizen says so, a triage caseworker routes it by hand, and the move is kept as a correction', async () => {
    const citizen = await newContext('en');
    const caseworker = await newContext('sv');
    try {
      const page = await citizen.newPage();
      await citizenSignIn(page, personas[3]!.personalIdentityCode);
      await page.locator('a#nav-ask').click();
      await page.locator('textarea#text').fill(DEGREE_TEXT);
      await page.locator('form#request button[type=submit]').click();
      const id = (await page.locator('#case-number').innerText()).trim();
      await page.locator('a#to-requests').click();
      const request = page.locator(`article.request[data-request-id="${id}"]`);
      await request.locator('form.dispute button').click();
      await page.locator('p#notice').waitFor();
      await expect(page.locator(`article.request[data-request-id="${id}"]`).getAttribute('data-queue')).resolves.toBe('TRIAGE');

      // A triage caseworker (in Swedish) sends it to the education queue by hand.
      const desk = await caseworker.newPage();
      await caseworkerSignIn(desk, 'cw-triage-1', 'sv', false);
      await desk.locator(`a.case[data-case-id="${id}"]`).click();
      await desk.locator('form#move').waitFor();
      await screenshot(desk, 'console', 'triage-case', 'sv');
      await expectNoSeriousAxeViolations(desk, 'console triage case (sv)');
      await desk.locator('select#move-queue').selectOption('EDUCATION');
      await desk.locator('form#move button[type=submit]').click();
      await desk.locator('p#notice[data-notice=moved]').waitFor();
      expect(await desk.locator('p#notice').innerText()).toContain(id);
      expect(await desk.locator(`a.case[data-case-id="${id}"]`).count()).toBe(0);

      // The citizen sees who handles it now.
      await page.reload();
      await expect(page.locator(`article.request[data-request-id="${id}"]`).getAttribute('data-queue')).resolves.toBe('EDUCATION');
      // And the move is a labelled correction, the training data of the next router.
      const db = new DatabaseSync(join(hub.home, 'requests.sqlite'), { readOnly: true });
      try {
        const rows = db.prepare('SELECT text, to_queue FROM request_corrections').all() as Array<{ text: string; to_queue: string }>;
        expect(rows).toContainEqual(expect.objectContaining({ text: DEGREE_TEXT, to_queue: 'education' }));
      } finally {
        db.close();
      }
    } finally {
      await citizen.close();
      await caseworker.close();
    }
  }, 60_000);

  it('a health matter: where to turn instead, accessible, no case number', async () => {
    const context = await newContext('fi');
    try {
      const page = await context.newPage();
      await citizenSignIn(page, personas[4]!.personalIdentityCode);
      await page.locator('a#nav-ask').click();
      await page.locator('form#request').waitFor();
      await screenshot(page, 'requests', 'ask', 'fi');
      await expectNoSeriousAxeViolations(page, 'Ask or report (fi)');
      await page.locator('textarea#text').fill('Tarvitsen uuden reseptin insuliinille lääkäriltä, sairaalan lääkäri ei vastaa.');
      await page.locator('form#request button[type=submit]').click();
      await page.locator('section#health').waitFor();
      expect(await page.locator('#case-number').count()).toBe(0);
      await screenshot(page, 'requests', 'health', 'fi');
      await expectNoSeriousAxeViolations(page, 'health matter (fi)');
      // An empty box comes back with the reason beside it (the browser's own check is bypassed to reach the server).
      await page.locator('a#ask-another').click();
      await page.evaluate(() => document.querySelector('textarea#text')?.removeAttribute('required'));
      await page.locator('textarea#text').fill('   ');
      await page.locator('form#request button[type=submit]').click();
      await page.locator('p#request-error[data-error=empty]').waitFor();
      await screenshot(page, 'requests', 'empty-error', 'fi');
      await expectNoSeriousAxeViolations(page, 'Ask or report with an error (fi)');
    } finally {
      await context.close();
    }
  }, 45_000);
});
