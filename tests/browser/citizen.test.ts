import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  describeWithChromium,
  expectNoSeriousAxeViolations,
  healthWordsIn,
  htmlLang,
  LANGUAGES,
  personas,
  screenshot,
  scrollWidth,
  startHubAndBrowser,
  testLogin,
  type Language,
  type SpawnedHub,
} from './support.js';

// The citizen's journey in headless Chromium against the hub `npm start` runs: sign in on the portal through the
// authorization server's test login, My data with all four registers and no health data, the consents and
// disclosures pages; in Finnish, Swedish and English, with a screenshot and an axe-core check of every page, a
// 360 px wide phone screen and the keyboard. The partner's journey is in partner.test.ts.

// A complete persona whose licence carries medical restriction codes in the vehicles register: health data that
// must never reach the page.
const persona = personas.find((p) => p.tags.includes('complete') && p.tags.includes('licence-health-restriction'))!;
const REGISTERS = ['population', 'tax', 'vehicles', 'education'] as const;

let hub: SpawnedHub;
let browser: Browser;

/** A fresh browser profile speaking `lang` (locale and Accept-Language); `bypassCSP` only for the axe injection. */
function newContext(lang: Language, width = 1000): Promise<BrowserContext> {
  return browser.newContext({
    locale: lang,
    extraHTTPHeaders: { 'accept-language': lang },
    viewport: { width, height: 800 },
    // The pages' CSP has no script-src: without this the injected axe-core script could not run. The pages under
    // test have no script of their own, so nothing else changes.
    bypassCSP: true,
  }).then((context) => {
    context.setDefaultTimeout(10_000); // a missing element fails the test in 10 s, within the test's own timeout
    return context;
  });
}

/** Signs in from the signed-out portal page; resolves on My data. */
async function signIn(page: Page, lang: Language, shots: boolean): Promise<void> {
  await page.goto(`${hub.portalUrl}/`);
  await page.locator('a#sign-in').waitFor();
  if (shots) {
    expect(await htmlLang(page)).toBe(lang);
    await screenshot(page, 'citizen', 'signed-out', lang);
    await expectNoSeriousAxeViolations(page, `portal signed-out page (${lang})`);
  }
  await page.locator('a#sign-in').click();
  await page.locator('form#login').waitFor();
  if (shots) {
    expect(await htmlLang(page)).toBe(lang);
    await screenshot(page, 'citizen', 'login', lang);
    await expectNoSeriousAxeViolations(page, `test login page (${lang})`);
  }
  await testLogin(page, persona.personalIdentityCode);
  await page.locator('section[data-register=population]').waitFor();
  expect(new URL(page.url()).origin).toBe(hub.portalUrl);
}

describeWithChromium('the citizen portal in Chromium', () => {
  beforeAll(async () => {
    ({ hub, browser } = await startHubAndBrowser({ partnerOn4300: false }));
  }, 45_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  describe.each(LANGUAGES.map((lang) => [lang]))('in %s', (lang) => {
    it('signs in; My data shows all four registers and no health data; consents and disclosures; every page screenshotted and accessible', async () => {
      const context = await newContext(lang);
      try {
        const page = await context.newPage();
        await signIn(page, lang, true);

        // My data: every register has data, and no word of the health vocabulary is on the page.
        expect(await htmlLang(page)).toBe(lang);
        for (const register of REGISTERS) {
          await expect(page.locator(`section[data-register=${register}]`).getAttribute('data-state')).resolves.toBe('data');
        }
        const text = await page.locator('body').innerText();
        expect(text).toContain(persona.lastName);
        expect(healthWordsIn(text)).toEqual([]);
        expect(healthWordsIn(await page.content())).toEqual([]);
        await expect(page.locator('a#nav-data').getAttribute('aria-current')).resolves.toBe('page');
        await screenshot(page, 'citizen', 'my-data', lang);
        await expectNoSeriousAxeViolations(page, `My data (${lang})`);

        // The portal's own language links switch the page, and back.
        const other = LANGUAGES.find((l) => l !== lang)!;
        const heading = await page.locator('h1').innerText();
        await page.locator(`header a[hreflang=${other}]`).click();
        await page.waitForFunction((l) => document.documentElement.lang === l, other);
        expect(await page.locator('h1').innerText()).not.toBe(heading);
        await page.locator(`header a[hreflang=${lang}]`).click();
        await page.waitForFunction((l) => document.documentElement.lang === l, lang);
        expect(await page.locator('h1').innerText()).toBe(heading);

        await page.locator('a#nav-consents').click();
        await page.locator('section#consents-active').waitFor();
        expect(await htmlLang(page)).toBe(lang);
        await expect(page.locator('a#nav-consents').getAttribute('aria-current')).resolves.toBe('page');
        expect(healthWordsIn(await page.locator('body').innerText())).toEqual([]);
        await screenshot(page, 'citizen', 'consents', lang);
        await expectNoSeriousAxeViolations(page, `Consents (${lang})`);

        await page.locator('a#nav-disclosures').click();
        await page.locator('table#disclosures, p#no-disclosures').first().waitFor();
        expect(await htmlLang(page)).toBe(lang);
        await expect(page.locator('a#nav-disclosures').getAttribute('aria-current')).resolves.toBe('page');
        expect(healthWordsIn(await page.locator('body').innerText())).toEqual([]);
        await screenshot(page, 'citizen', 'disclosures', lang);
        await expectNoSeriousAxeViolations(page, `Who has seen my data (${lang})`);
      } finally {
        await context.close();
      }
    }, 45_000);
  });

  it('fits a 360 px wide phone screen without horizontal scrolling', async () => {
    const context = await newContext('fi', 360);
    try {
      const page = await context.newPage();
      await page.goto(`${hub.portalUrl}/`);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
      await page.locator('a#sign-in').click();
      await page.locator('form#login').waitFor();
      expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
      await testLogin(page, persona.personalIdentityCode);
      await page.locator('section[data-register=population]').waitFor();
      const tooWide: Array<[string, number]> = [];
      for (const path of ['/', '/requests/new?about=Person.address', '/requests', '/consents', '/disclosures']) {
        await page.goto(`${hub.portalUrl}${path}`);
        await page.locator('main#content').waitFor();
        const width = await scrollWidth(page);
        if (width > 360) tooWide.push([path, width]);
      }
      expect(tooWide).toEqual([]);
      await page.goto(`${hub.portalUrl}/`);
      await screenshot(page, 'citizen', 'my-data-360px', 'fi');
    } finally {
      await context.close();
    }
  }, 30_000);

  it('keyboard: the first Tab reaches the skip link, then the main navigation in order', async () => {
    const context = await newContext('en');
    try {
      const page = await context.newPage();
      await signIn(page, 'en', false);
      const focused: string[] = [];
      for (let i = 0; i < 12; i += 1) {
        await page.keyboard.press('Tab');
        focused.push(
          await page.evaluate(() => {
            const el = document.activeElement as HTMLElement | null;
            if (!el || el === document.body) return 'body';
            if (el.id) return `${el.tagName.toLowerCase()}#${el.id}`;
            return `${el.tagName.toLowerCase()}.${el.className}[${el.getAttribute('href') ?? ''}]`;
          }),
        );
      }
      expect(focused[0]).toBe('a.skip[#content]');
      const nav = ['a#nav-data', 'a#nav-ask', 'a#nav-requests', 'a#nav-consents', 'a#nav-disclosures'].map((id) => focused.indexOf(id));
      expect(nav.every((index) => index > 0)).toBe(true);
      expect([...nav].sort((a, b) => a - b)).toEqual(nav);
      expect(nav[4]! - nav[0]!).toBe(4);
      // The skip link works: Enter moves focus to the main content.
      await page.reload();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
      await page.keyboard.press('Enter');
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('content');
    } finally {
      await context.close();
    }
  }, 30_000);
});
