import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadRouter } from '../loadRouter.js';
import { REGISTER_QUEUES, REQUEST_QUEUES } from '../requestTypes.js';

const router = loadRouter();

// Texts written for this test, in none of the corpus files: behaviour, not memory.
describe('loadRouter', () => {
  it('answers the interface: a queue, a confidence in 0..1 and a language', () => {
    const result = router.route('Sain verotuspäätöksen ja siinä on aivan väärät pääomatulot');
    expect(Object.keys(result).sort()).toEqual(['confidence', 'language', 'queue']);
    expect(REQUEST_QUEUES).toContain(result.queue);
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it.each([
    ['Minun uusi osoitteeni ei ole vieläkään päivittynyt rekisteriin', 'population', 'fi'],
    ['Jag vill ha ett nytt skattekort eftersom min lön ändrades', 'tax', 'sv'],
    ['I sold my van last spring but the register still says I own it', 'vehicles', 'en'],
    ['Valmistuin insinööriksi mutta tutkintoa ei näy missään', 'education', 'fi'],
    ['Receptet på min astmamedicin måste förnyas', 'health', 'sv'],
    ['Who decides what the street cleaning schedule is?', 'triage', 'en'],
  ])('routes %j to %s and hears %s', (text, queue, language) => {
    expect(router.route(text)).toMatchObject({ queue, language });
  });

  it('never sends these health messages to a register, even with a register word in them', () => {
    for (const text of [
      'Ajokortissani on lääkärin rajoitus 01, mutta silmäni on leikattu',
      'Doctor says my diabetes must be noted for my driving licence',
      'Läkaren skrev fel i intyget till körkortet',
      'Verotuksessa ei näy sairauskuluja, mutta ensin haluan tietää diagnoosini',
      'The hospital bill for my surgery, can I deduct it?',
    ]) {
      expect(REGISTER_QUEUES).not.toContain(router.route(text).queue);
    }
  });

  it('sends greetings and gibberish to triage', () => {
    for (const text of ['moi moi', 'qwpoeiru zmxncb', '!!!', 'hej hej']) expect(router.route(text).queue).toBe('triage');
  });

  it('copes with a text of 4,000 characters within the interface\'s time', () => {
    const long = 'Osoitteeni on väärin ja muutin jo. '.repeat(115).slice(0, 4000);
    router.route(long);
    const started = performance.now();
    expect(router.route(long).queue).toBe('population');
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('refuses a missing or foreign model file with a clear TypeError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-model-'));
    expect(() => loadRouter(join(dir, 'missing.json'))).toThrow(/cannot read the model/);
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ version: 99 }));
    expect(() => loadRouter(join(dir, 'other.json'))).toThrow(/model version must be 1/);
  });
});
