import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatHetu } from '../lib/hetu.js';
import { personas, personaWith, startTestHub, type TestHub } from './support/hub.js';

// The whole hub composed in-process (issuer, four subgraphs over HTTP on free ports, gateway): the citizen's
// view of their own data, field authorization, and the isolation between persons.

const DASHBOARD = /* GraphQL */ `
  query Dashboard {
    me {
      personalIdentityCode dateOfBirth firstNames lastName isAdult nationalities nativeLanguage
      address { streetAddress postalCode municipality }
      maritalStatus children { firstNames dateOfBirth }
      taxAssessments { year earnedIncome capitalIncome taxesPaid }
      taxDebt { amount recordedOn }
      vehicles { registrationNumber make model role firstRegistered vehicleClass }
      drivingLicence { categories validUntil }
      qualifications { name level institution completedOn }
      enrolments { programme institution startedOn }
    }
  }
`;

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.stop();
});

describe('a citizen sees their own data from all four registers', () => {
  const complete = personas.filter((p) => p.tags.includes('complete'));

  it.each(complete.map((p) => [p.personalIdentityCode, p] as const))('complete persona %s', async (_code, persona) => {
    const { status, body } = await hub.query(await hub.token(persona.personalIdentityCode), DASHBOARD);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const me = body.data.me;
    expect(me.personalIdentityCode).toBe(persona.personalIdentityCode);
    expect(me.firstNames).toBe(persona.firstNames);
    expect(me.lastName).toBe(persona.lastName);
    expect(me.address).not.toBeNull();
    expect(me.taxAssessments.length).toBeGreaterThan(0);
    expect(me.vehicles.length + (me.drivingLicence ? 1 : 0)).toBeGreaterThan(0);
    expect(me.qualifications.length + me.enrolments.length).toBeGreaterThan(0);
  });

  it('a vehicles persona holds two or more vehicles', async () => {
    const persona = personaWith('vehicles');
    const { body } = await hub.query(await hub.token(persona.personalIdentityCode), '{ me { vehicles { registrationNumber role } } }');
    expect(body.data.me.vehicles.length).toBeGreaterThanOrEqual(2);
    for (const vehicle of body.data.me.vehicles) expect(vehicle.registrationNumber).toMatch(/^[A-Z]{2,3}-\d{1,3}$/);
  });

  it('a minor is not an adult and an adult is', async () => {
    const minor = personaWith('minor');
    const adult = personaWith('complete');
    const minorAnswer = await hub.query(await hub.token(minor.personalIdentityCode, { scopes: ['population:adult'] }), '{ me { isAdult } }');
    const adultAnswer = await hub.query(await hub.token(adult.personalIdentityCode, { scopes: ['population:adult'] }), '{ me { isAdult } }');
    expect(minorAnswer.body).toEqual({ data: { me: { isAdult: false } } });
    expect(adultAnswer.body).toEqual({ data: { me: { isAdult: true } } });
  });

  it('the education register says plainly it holds nothing for a no-education persona', async () => {
    const persona = personaWith('no-education');
    const { body } = await hub.query(await hub.token(persona.personalIdentityCode), '{ me { qualifications { name } enrolments { programme } } }');
    expect(body).toEqual({ data: { me: { qualifications: [], enrolments: [] } } });
  });

  it('the citizen sees their own protected address', async () => {
    const persona = personaWith('non-disclosure');
    const { body } = await hub.query(await hub.token(persona.personalIdentityCode), '{ me { address { streetAddress } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.me.address.streetAddress).toEqual(expect.any(String));
  });
});

describe('a person a register does not know', () => {
  it('the population register\'s fields are null with NOT_FOUND at their paths; the other registers answer for themselves', async () => {
    // A valid temporary identity code of nobody seeded. Each register answers its own `me` (one round trip), so
    // population's NOT_FOUND costs population's fields only, as it did when the others were asked after it.
    const nobody = formatHetu('1999-01-01', 998);
    expect(personas.map((p) => p.personalIdentityCode)).not.toContain(nobody);
    const { status, body } = await hub.query(await hub.token(nobody), '{ me { firstNames lastName taxAssessments { year } vehicles { make } qualifications { name } } }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ me: { firstNames: null, lastName: null, taxAssessments: [], vehicles: [], qualifications: [] } });
    expect(body.errors).toEqual([
      { message: 'No such record', path: ['me', 'firstNames'], extensions: { code: 'NOT_FOUND' } },
      { message: 'No such record', path: ['me', 'lastName'], extensions: { code: 'NOT_FOUND' } },
    ]);
    // Only population asked: `me` is null itself, with one error.
    const alone = await hub.query(await hub.token(nobody), '{ me { firstNames } }');
    expect(alone.body).toEqual({ data: { me: null }, errors: [{ message: 'No such record', path: ['me'], extensions: { code: 'NOT_FOUND' } }] });
  });
});

describe('field authorization follows the scopes of the token', () => {
  it('a token without tax:income gets taxAssessments null with UNAUTHORIZED_FIELD_OR_TYPE and the rest', async () => {
    const persona = personaWith('complete');
    const token = await hub.token(persona.personalIdentityCode, { scopes: ['population:name', 'vehicles:owned'] });
    const { status, body } = await hub.query(token, '{ me { firstNames taxAssessments { year earnedIncome } vehicles { make } } }');
    expect(status).toBe(200);
    expect(body.data.me.firstNames).toBe(persona.firstNames);
    expect(body.data.me.taxAssessments).toBeNull();
    expect(Array.isArray(body.data.me.vehicles)).toBe(true);
    expect(body.errors).toEqual([{ message: 'Unauthorized field or type', path: ['me', 'taxAssessments'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }]);
  });

  it('a non-null field without scope comes back null, not its parent', async () => {
    const persona = personaWith('complete');
    const token = await hub.token(persona.personalIdentityCode, { scopes: ['population:name'] });
    const { body } = await hub.query(token, '{ me { firstNames personalIdentityCode } }');
    expect(body.data.me).toEqual({ firstNames: persona.firstNames, personalIdentityCode: null });
    expect(body.errors[0].extensions.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(body.errors[0].path).toEqual(['me', 'personalIdentityCode']);
  });

  it('fields reached through fragments and aliases are judged the same way', async () => {
    const persona = personaWith('complete');
    const token = await hub.token(persona.personalIdentityCode, { scopes: ['population:name'] });
    const query = `
      query Q { me { ...Identity who: lastName ... on Person { secret: personalIdentityCode } } }
      fragment Identity on Person { firstNames code: personalIdentityCode }
    `;
    const { body } = await hub.query(token, query);
    expect(body.data.me).toEqual({ firstNames: persona.firstNames, who: persona.lastName, code: null, secret: null });
    expect(JSON.stringify(body)).not.toContain(persona.personalIdentityCode);
    expect(body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining([['me', 'code'], ['me', 'secret']]));
  });

  it('when nothing requested is authorized, the answer has an error and no data', async () => {
    const persona = personaWith('complete');
    const token = await hub.token(persona.personalIdentityCode, { scopes: ['population:name'] });
    const { status, body } = await hub.query(token, '{ me { taxAssessments { year } } }');
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([{ message: 'Unauthorized field or type', path: ['me', 'taxAssessments'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }]);
  });
});

describe('one person never reaches another', () => {
  it('no query, variable or alias yields another persona\'s data', async () => {
    const [first, second] = personas;
    const token = await hub.token(first!.personalIdentityCode);
    const attempts = [
      `{ me { personalIdentityCode } }`,
      `{ a: me { personalIdentityCode } b: me { personalIdentityCode firstNames } }`,
      `query($id: ID) { me { personalIdentityCode } }`,
      `{ me(id: "${second!.personalIdentityCode}") { personalIdentityCode } }`,
      `{ person(personalIdentityCode: "${second!.personalIdentityCode}") { firstNames } }`,
      `{ _entities(representations: [{ __typename: "Person", id: "x" }]) { __typename } }`,
    ];
    for (const query of attempts) {
      const { body } = await hub.query(token, query, { id: second!.personalIdentityCode });
      const text = JSON.stringify(body);
      expect(text).not.toContain(second!.personalIdentityCode);
      expect(text).not.toContain(second!.lastName);
    }
  });
});

describe('health data is never reachable', () => {
  it('no response carries the medical restriction codes, and the API schema has no such field', async () => {
    const persona = personaWith('licence-health-restriction');
    const token = await hub.token(persona.personalIdentityCode);
    const { body } = await hub.query(token, '{ me { drivingLicence { categories validUntil } } }');
    expect(body.data.me.drivingLicence.categories.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toMatch(/restriction|medical|"0[1-5](\.\d+)?"/i);
    const guess = await hub.query(token, '{ me { drivingLicence { restrictionCodes medicalRestrictions } } }');
    expect(guess.status).toBe(400);
    expect(guess.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const schema = await hub.query(token, '{ __schema { types { name fields { name } } } }');
    expect(JSON.stringify(schema.body)).not.toMatch(/restriction|medical|health/i);
  });
});
