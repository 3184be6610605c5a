import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  describeWithChromium,
  expectNoSeriousAxeViolations,
  htmlLang,
  LANGUAGES,
  personas,
  screenshot,
  startHubAndBrowser,
  testLogin,
  type Language,
  type SpawnedHub,
} from './support.js';

// The partner's journey in headless Chromium against the hub `npm start` runs, with the partner example app on
// port 4300 (demo-bank's registered redirect URI): the citizen opens Demo Bank's form, fills it from the registers,
// signs in, leaves one item out on the consent screen and allows; the form holds exactly what was consented. The
// portal then lists the consent and the disclosure; the citizen revokes, and the bank's next fetch fails. Once per
// language, each with its own complete persona. Then a `non-disclosure` persona: the address never reaches the bank.

const complete = personas.filter((p) => p.tags.includes('complete'));
const PERSONA: Record<Language, (typeof personas)[number]> = { fi: complete[0]!, sv: complete[1]!, en: complete[2]! };
const nonDisclosure = personas.find((p) => p.tags.includes('non-disclosure') && !p.tags.includes('minor'))!;
const ADDRESS_FIELDS = ['streetAddress', 'postalCode', 'municipality'] as const;

let hub: SpawnedHub;
let browser: Browser;

/** A fresh browser profile speaking `lang` (locale and Accept-Language); `bypassCSP` only for the axe injection. */
function newContext(lang: Language): Promise<BrowserContext> {
  return browser.newContext({
    locale: lang,
    extraHTTPHeaders: { 'accept-language': lang },
    viewport: { width: 1000, height: 800 },
    // Every page here has a CSP without script-src, which would block the injected axe-core script; the pages
    // under test have no script of their own, so nothing else changes.
    bypassCSP: true,
  }).then((context) => {
    context.setDefaultTimeout(10_000); // a missing element fails the test in 10 s, within the test's own timeout
    return context;
  });
}

/** The register fields of the bank's form, by name. */
async function formValues(page: Page): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const name of ['firstNames', 'lastName', ...ADDRESS_FIELDS, 'earnedIncome']) {
    values[name] = await page.locator(`form#account input[name=${name}]`).inputValue();
  }
  return values;
}

/** Signs in on the portal in this browser profile: the authorization server's session may make it immediate. */
async function openPortal(page: Page, persona: string): Promise<void> {
  await page.goto(`${hub.portalUrl}/`);
  await page.locator('a#sign-in').click();
  await page.waitForLoadState('load');
  if ((await page.locator('form#login').count()) > 0) await testLogin(page, persona);
  await page.locator('section[data-register=population]').waitFor();
  expect(new URL(page.url()).origin).toBe(hub.portalUrl);
}

/** The permanent address the portal shows the citizen on My data: [street, "postal code municipality"]. */
async function addressOnPortal(page: Page): Promise<string[]> {
  await page.locator('section[data-register=population]').waitFor();
  const html = await page.locator('section[data-register=population] dd:has(br)').first().innerHTML();
  return html.split(/<br\s*\/?>/).map((part) => part.replace(/<[^>]*>/g, '').trim());
}

/** From the bank's form through the test login to the consent screen. */
async function fillUntilConsent(page: Page, lang: Language, persona: string, shots: boolean): Promise<void> {
  await page.goto(`${hub.partnerUrl}/`);
  await page.locator('button#fill').click();
  await page.locator('form#login').waitFor();
  expect(await htmlLang(page)).toBe(lang);
  if (shots) {
    await screenshot(page, 'partner', 'login', lang);
    await expectNoSeriousAxeViolations(page, `test login for Demo Bank (${lang})`);
  }
  await testLogin(page, persona);
  await page.locator('form#consent').waitFor();
}

describeWithChromium('the partner journey in Chromium (Demo Bank on port 4300)', () => {
  beforeAll(async () => {
    ({ hub, browser } = await startHubAndBrowser({ partnerOn4300: true }));
  }, 45_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  describe.each(LANGUAGES.map((lang) => [lang]))('in %s', (lang) => {
    const persona = PERSONA[lang];

    it('consent to some items, exactly those prefilled; the portal lists consent and disclosure; revoked, the next fetch fails', async () => {
      const context = await newContext(lang);
      try {
        const page = await context.newPage();
        await page.goto(`${hub.partnerUrl}/`);
        await page.locator('form#account').waitFor();
        await screenshot(page, 'partner', 'form-empty', lang);
        await fillUntilConsent(page, lang, persona.personalIdentityCode, true);

        // The consent screen, in the context's language; its language links switch it, and back.
        expect(await htmlLang(page)).toBe(lang);
        const other = LANGUAGES.find((l) => l !== lang)!;
        await page.locator(`a[hreflang=${other}]`).click();
        await page.locator('form#consent').waitFor();
        expect(await htmlLang(page)).toBe(other);
        await page.locator(`a[hreflang=${lang}]`).click();
        await page.locator('form#consent').waitFor();
        expect(await htmlLang(page)).toBe(lang);
        expect(await page.locator('form#consent').innerText()).toContain('Demo Bank');
        await screenshot(page, 'partner', 'consent', lang);
        await expectNoSeriousAxeViolations(page, `consent screen (${lang})`);

        // Leave the income out, allow.
        const income = page.locator('form#consent input[type=checkbox][name=scope][value="tax:income"]');
        expect(await income.count()).toBe(1);
        await income.uncheck();
        await page.locator('form#consent button[name=decision][value=allow]').click();
        await page.waitForURL(`${hub.partnerUrl}/`);
        await page.locator('#shared-items').waitFor();

        // Exactly the consented items: name and address filled, income empty and marked not shared.
        const shared = await page.locator('#shared-items li[data-scope]').evaluateAll((items) => items.map((li) => li.getAttribute('data-scope')));
        expect(shared.sort()).toEqual(['population:address', 'population:name']);
        const values = await formValues(page);
        expect(values.firstNames).toBe(persona.firstNames);
        expect(values.lastName).toBe(persona.lastName);
        for (const field of ADDRESS_FIELDS) expect(values[field]).not.toBe('');
        expect(values.earnedIncome).toBe('');
        const notShared = await page.locator('.not-shared[data-field]').evaluateAll((spans) => spans.map((s) => s.getAttribute('data-field')));
        expect(notShared).toEqual(['earnedIncome']);
        await screenshot(page, 'partner', 'form-prefilled', lang);
        await expectNoSeriousAxeViolations(page, `Demo Bank's prefilled form (${lang})`);

        // The portal: the same address the citizen sees; the consent and the disclosure are listed.
        await openPortal(page, persona.personalIdentityCode);
        expect(await htmlLang(page)).toBe(lang);
        expect(await addressOnPortal(page)).toEqual([values.streetAddress, `${values.postalCode} ${values.municipality}`]);

        await page.locator('a#nav-consents').click();
        const consent = page.locator('section#consents-active article.consent[data-status=ACTIVE]', { hasText: 'Demo Bank' });
        await consent.waitFor();
        expect(await consent.count()).toBe(1);
        expect(await consent.locator('ul.items li').count()).toBe(2);
        await screenshot(page, 'partner', 'portal-consents', lang);
        await expectNoSeriousAxeViolations(page, `Consents with Demo Bank's (${lang})`);

        await page.locator('a#nav-disclosures').click();
        const row = page.locator('table#disclosures tbody tr', { hasText: 'Demo Bank' });
        await row.first().waitFor();
        expect(await row.count()).toBeGreaterThanOrEqual(1);
        await screenshot(page, 'partner', 'portal-disclosures', lang);
        await expectNoSeriousAxeViolations(page, `Who has seen my data, with Demo Bank (${lang})`);

        // Revoke, with confirmation.
        await page.locator('a#nav-consents').click();
        await consent.locator('a.revoke').click();
        await page.locator('form#revoke').waitFor();
        await screenshot(page, 'partner', 'portal-revoke', lang);
        await expectNoSeriousAxeViolations(page, `revoke confirmation (${lang})`);
        await page.locator('form#revoke [type=submit]').click();
        await page.locator('p#notice').waitFor();
        expect(await page.locator('section#consents-active article.consent', { hasText: 'Demo Bank' }).count()).toBe(0);
        expect(await page.locator('section#consents-revoked article.consent[data-status=REVOKED]', { hasText: 'Demo Bank' }).count()).toBe(1);
        await screenshot(page, 'partner', 'portal-revoked', lang);

        // The bank's next fetch fails.
        await page.goto(`${hub.partnerUrl}/`);
        await page.locator('button#refetch').click();
        await page.waitForURL(`${hub.partnerUrl}/`);
        await expect(page.locator('#notice').innerText()).resolves.toMatch(/consent has ended/i);
        expect(await page.locator('button#refetch').count()).toBe(0);
        await screenshot(page, 'partner', 'form-consent-ended', lang);
      } finally {
        await context.close();
      }
    }, 45_000);
  });

  it("a non-disclosure persona's address never reaches the bank, nor any hint why", async () => {
    const context = await newContext('en');
    try {
      const page = await context.newPage();
      await fillUntilConsent(page, 'en', nonDisclosure.personalIdentityCode, false);
      // The address is asked for and allowed: the citizen consents to it, the hub still sends nothing.
      expect(await page.locator('form#consent input[type=checkbox][name=scope][value="population:address"]').isChecked()).toBe(true);
      await page.locator('form#consent button[name=decision][value=allow]').click();
      await page.waitForURL(`${hub.partnerUrl}/`);
      await page.locator('#shared-items').waitFor();
      const values = await formValues(page);
      expect(values.firstNames).toBe(nonDisclosure.firstNames);
      for (const field of ADDRESS_FIELDS) expect(values[field]).toBe('');
      const notShared = await page.locator('.not-shared[data-field]').evaluateAll((spans) => spans.map((s) => s.getAttribute('data-field')));
      expect(notShared).toEqual(expect.arrayContaining([...ADDRESS_FIELDS]));
      const bankText = await page.locator('body').innerText();
      const bankHtml = await page.content();
      await screenshot(page, 'partner', 'form-non-disclosure', 'en');

      // The citizen sees their own address in the portal; the bank's page holds none of it and no hint.
      await openPortal(page, nonDisclosure.personalIdentityCode);
      const [street, postalAndMunicipality] = await addressOnPortal(page);
      expect(street).toMatch(/\S/);
      expect(bankText).not.toContain(street);
      expect(bankHtml).not.toContain(street);
      expect(bankHtml).not.toContain(postalAndMunicipality);
      expect(bankText).not.toMatch(/non-?disclosure|protected|turvakielto|spärrmarkering/i);
    } finally {
      await context.close();
    }
  }, 30_000);
});
