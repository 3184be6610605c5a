import { describe, expect, it } from '@jest/globals';
import { renderLoggedOutPage, renderLogoutPage } from '../logoutPage.js';

const FORM = '<form method="post" action="/session/end/confirm" id="op.logoutForm"><input type="hidden" name="xsrf" value="abc"/></form>';

describe('sign-out pages', () => {
  it.each(['fi', 'sv', 'en'] as const)('asks in %s with buttons that submit oidc-provider\'s form, and loads nothing from elsewhere', (lang) => {
    const html = renderLogoutPage({ lang, form: FORM });
    expect(html).toContain(`<html lang="${lang}"`);
    expect(html).toContain(FORM);
    expect(html).toMatch(/<button type="submit" form="op.logoutForm" name="logout" value="yes">/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toContain('<script');
  });

  it('says the sign-out is done', () => {
    expect(renderLoggedOutPage({ lang: 'en' })).toContain('You signed out successfully');
  });
});
