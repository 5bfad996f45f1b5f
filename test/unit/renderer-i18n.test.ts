import i18next, { type i18n as I18n } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../../renderer/format/bytes';
import { en } from '../../renderer/i18n/en';
import { ptBR } from '../../renderer/i18n/pt-br';

// The catalogues through a real i18next, set up as the console sets it up
// (renderer/i18n/index.ts), so plural rules are CLDR's and not assumed.

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v !== null && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

let i18n: I18n;

beforeAll(async () => {
  i18n = i18next.createInstance();
  await i18n.init({
    resources: { en: { translation: en }, 'pt-BR': { translation: ptBR } },
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: ['en', 'pt-BR'],
    interpolation: { escapeValue: false },
    initAsync: false,
  });
});

const inPt = (key: string, opts: Record<string, unknown>) => i18n.getFixedT('pt-BR')(key, opts);
const inEn = (key: string, opts: Record<string, unknown>) => i18n.getFixedT('en')(key, opts);

describe('catalogues', () => {
  it('have the same keys in English and Portuguese, none empty', () => {
    expect(keys(ptBR).sort()).toEqual(keys(en).sort());
    for (const catalogue of [en, ptBR]) {
      for (const k of keys(catalogue)) expect(k.split('.').reduce<any>((o, p) => o[p], catalogue), k).not.toBe('');
    }
  });

  it('give every plural a zero form: Portuguese puts 0 in the singular ("0 modelo")', () => {
    expect(new Intl.PluralRules('pt-BR').select(0)).toBe('one');
    for (const catalogue of [en, ptBR]) {
      const all = keys(catalogue);
      const plurals = all.filter((k) => k.endsWith('_other')).map((k) => k.slice(0, -'_other'.length));
      expect(plurals.length).toBeGreaterThan(10);
      expect(plurals.filter((p) => !all.includes(`${p}_zero`))).toEqual([]);
    }
  });

  it('count models, versions and sensors in the plural at 0 and 2 and in the singular at 1, in Portuguese', () => {
    const counts = (n: number) => inPt('models.runtime.counts', { models: inPt('models.runtime.models', { count: n }), versions: inPt('models.runtime.versions', { count: n }) });
    expect([0, 1, 2].map(counts)).toEqual(['0 modelos, 0 versões no registro', '1 modelo, 1 versão no registro', '2 modelos, 2 versões no registro']);
    expect([0, 1, 2].map((count) => inPt('models.registry.count', { count }))).toEqual(['0 modelos', '1 modelo', '2 modelos']);
    expect([0, 1, 2].map((count) => inPt('explorer.sensors.count', { count }))).toEqual(['0 sensores', '1 sensor', '2 sensores']);
    expect([0, 1, 2].map((count) => inPt('prediction.detect.listTitle', { count }))).toEqual(['0 períodos de anomalia', '1 período de anomalia', '2 períodos de anomalia']);
  });

  it('count in English as before: 0 and 2 plural, 1 singular', () => {
    const counts = (n: number) => inEn('models.runtime.counts', { models: inEn('models.runtime.models', { count: n }), versions: inEn('models.runtime.versions', { count: n }) });
    expect([0, 1, 2].map(counts)).toEqual(['0 models, 0 versions in the registry', '1 model, 1 version in the registry', '2 models, 2 versions in the registry']);
  });
});

describe('formatBytes', () => {
  const en_ = (n: number) => formatBytes(n, 'en', i18n.getFixedT('en'));
  const pt = (n: number) => formatBytes(n, 'pt-BR', i18n.getFixedT('pt-BR'));

  it('spells bytes below a kilobyte with their plural, in both languages', () => {
    expect([0, 1, 439, 999].map(en_)).toEqual(['0 bytes', '1 byte', '439 bytes', '999 bytes']);
    expect([0, 1, 439, 999].map(pt)).toEqual(['0 bytes', '1 byte', '439 bytes', '999 bytes']);
  });

  it('uses SI units with one decimal in the language\'s notation', () => {
    expect([1500, 1_200_000, 30 * 1024 * 1024, 4.2e9].map(en_)).toEqual(['1.5 kB', '1.2 MB', '31.5 MB', '4.2 GB']);
    expect([1500, 1_200_000, 4.2e9].map(pt)).toEqual(['1,5 kB', '1,2 MB', '4,2 GB']);
  });

  it('moves to the next unit when rounding reaches it: 999,960 bytes is 1 MB, not 1,000 kB', () => {
    expect(en_(999_960)).toBe('1 MB');
    expect(en_(999_400)).toBe('999.4 kB');
    expect(en_(999.6)).toBe('1 kB');
  });
});
