import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../contract/errors';
import { ApiError, errorFromBody, parseRetryAfter, type Issue } from '../../renderer/api/api-error';
import { errorText, formatWait, howFar, issueField, issueText, jobErrorText } from '../../renderer/format/error-text';
import { en } from '../../renderer/i18n/en';
import { ptBR } from '../../renderer/i18n/pt-br';
import { reading, startStation, type TestStation } from '../helpers/station';

// The console says the station's errors in the operator's language, by
// their codes. The issues here are the station's own: a real station is
// sent bad readings, imports and queries, and every issue code the console
// translates is collected from its answers (name_taken, which needs a
// finished training, is built from the contract's shape).

let i18n: I18n;
let s: TestStation;
const issues = new Map<string, Issue>();

function keep(list: Issue[] | undefined): void {
  for (const i of list ?? []) if (i.code && !issues.has(i.code)) issues.set(i.code, i);
}

async function rejected(body: unknown, query = ''): Promise<void> {
  const r = await s.request('POST', `/api/v1/data/ingest${query}`, { body });
  expect(r.status, r.text).toBe(422);
  keep(r.body.error.details);
}

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

  s = await startStation();
  const now = Date.now();
  const ok = await s.request('POST', '/api/v1/data/ingest', { body: [reading('pump-1.temp', now - 60_000, 40, { sensor_type: 'temperature', unit: 'C', asset_id: 'pump-1' })] });
  expect(ok.status, ok.text).toBe(200);
  await rejected({ sensor_id: 'pump-1.temp', timestamp: now - 1000 });
  await rejected({ sensor_id: 'bad id!', timestamp: now - 1000, value: 1 });
  await rejected({ sensor_id: 'x', timestamp: now - 1000, value: 1, sensor_type: 'Temp Sensor!' });
  await rejected({ sensor_id: 'x', timestamp: 'yesterday', value: 1 });
  await rejected({ sensor_id: 'x', timestamp: now - 1000, value: 'abc' });
  await rejected({ sensor_id: 'x', timestamp: now - 1000, value: 1, quality: 2 });
  await rejected({ sensor_id: 'x', timestamp: now - 1000, value: 1, unit: 'a\u0001b' });
  await rejected({ sensor_id: 'x', timestamp: now - 1000, value: 1, metadata: 'note' });
  await rejected({ sensor_id: 'x', timestamp: now - 1000, value: 1, temp: 3 });
  await rejected([5]);
  await rejected({ sensor_id: 'pump-1.temp', timestamp: now + 40 * 86_400_000, value: 1 });
  await rejected({ sensor_id: 'pump-1.temp', timestamp: now - 2000, value: 1, unit: 'F' });

  const csv = (id: string, text: string) => s.request('POST', `/api/v1/data/import?import_id=${id}&sensor_id=pump-1.temp`, { rawBody: text, headers: { 'content-type': 'text/csv' } });
  const conflicting = await csv('imp-1', `timestamp,value\n${new Date(now - 60_000).toISOString()},41\n2024-01-01T00:00:00Z,1,2\n`);
  expect(conflicting.status, conflicting.text).toBe(200);
  keep(conflicting.body.issues);
  const again = await csv('imp-1', 'timestamp,value\n2024-01-01T00:00:00Z,1\n');
  expect(again.status, again.text).toBe(409);
  keep(again.body.error.details);

  const inverted = await s.request('GET', '/api/v1/readings?from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z');
  expect(inverted.status, inverted.text).toBe(422);
  keep(inverted.body.error.details);
  const unknownSensor = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'anomaly', asset_id: 'pump-1', sensor_ids: ['pump-1.nope'] } });
  expect(unknownSensor.status, unknownSensor.text).toBe(422);
  keep(unknownSensor.body.error.details);
  keep([{ path: 'model_name', field: 'model_name', code: 'name_taken', message: 'This model name is already used by another model; choose another.', params: { kind: 'forecast', target: 'pump-1.temp' } }]);
});

afterAll(async () => {
  await s?.stop();
});

const EN = () => i18n.getFixedT('en') as TFunction;
const PT = () => i18n.getFixedT('pt-BR') as TFunction;
const say = (code: string, lng: 'en' | 'pt-BR') => {
  const issue = issues.get(code);
  if (!issue) throw new Error(`the station gave no '${code}' issue; got ${[...issues.keys()].join(', ')}`);
  return issueText(issue, lng === 'en' ? EN() : PT(), lng);
};

/** Words of the station's English that must not appear in a Portuguese sentence. */
const ENGLISH = /\b(must|missing|is not|the|future|accepted|seconds?|registered with|differs|stored|already|choose|line|could not|start)\b/i;

describe('issues said by code', () => {
  const expected: Record<string, [string, string]> = {
    required: ['Value is missing.', 'O campo Valor é obrigatório.'],
    invalid_id: [
      'Sensor ID may only use letters, digits and . _ : - (up to 128 characters), starting with a letter or digit.',
      'O campo ID do sensor só aceita letras, algarismos e . _ : - (até 128 caracteres), começando por letra ou algarismo.',
    ],
    invalid_sensor_type: [
      'The sensor type may only use lower-case letters, digits and _ . - (up to 64 characters), e.g. temperature.',
      'O tipo de sensor só aceita letras minúsculas, algarismos e _ . - (até 64 caracteres), ex.: temperature.',
    ],
    invalid_timestamp: ['The time is not a date and time with a time zone (e.g. 2024-05-01T12:00:00Z).', 'O horário não é uma data e hora com fuso horário (ex.: 2024-05-01T12:00:00Z).'],
    not_a_number: ['Value must be a number.', 'O campo Valor deve ser um número.'],
    out_of_range: ['Quality must be a number from 0 to 1.', 'A qualidade deve ser um número de 0 a 1.'],
    invalid_unit: ['The unit must be 1 to 32 characters, without control characters.', 'A unidade deve ter de 1 a 32 caracteres, sem caracteres de controle.'],
    invalid_metadata: ['Metadata must be an object of named values, at most 2 KB.', 'Os metadados devem ser um objeto de valores nomeados, de no máximo 2 KB.'],
    unknown_field: ['“temp” is not a field the station knows.', '“temp” não é um campo que a estação conheça.'],
    not_an_object: ['Each reading must have a sensor ID, a time and a value.', 'Cada leitura deve ter um ID de sensor, um horário e um valor.'],
    future_timestamp: [
      'The time is 40 days in the future. Check the clock of the device that sent it: at most 5 minutes ahead is accepted.',
      'O horário está 40 dias no futuro. Verifique o relógio do dispositivo que o enviou: no máximo 5 minutos à frente é aceito.',
    ],
    sensor_mismatch: [
      'Sensor pump-1.temp is registered with unit “C”, not “F”. Correct the reading, or the sensor’s registration.',
      'O sensor pump-1.temp está registrado com a unidade “C”, não “F”. Corrija a leitura ou o registro do sensor.',
    ],
    unreadable_row: ['This line could not be read.', 'Não foi possível ler esta linha.'],
    range_inverted: ['The start must not be after the end.', 'O início não pode ser depois do fim.'],
    unknown_sensor: ['pump-1.nope is not a sensor of asset pump-1 with readings.', 'pump-1.nope não é um sensor com leituras do ativo pump-1.'],
    name_taken: ['This model name is already used by another model; choose another.', 'Este nome de modelo já é usado por outro modelo; escolha outro.'],
    already_used: ['This name was already used; choose another.', 'Este nome já foi usado; escolha outro.'],
  };

  for (const [code, [inEnglish, inPortuguese]] of Object.entries(expected)) {
    it(`says ${code} in English and in Portuguese, the station's words kept as the detail`, () => {
      const issue = issues.get(code)!;
      expect(issue, `the station gave no '${code}' issue`).toBeDefined();
      const en_ = say(code, 'en');
      const pt = say(code, 'pt-BR');
      expect(en_.text).toBe(inEnglish);
      expect(pt.text).toBe(inPortuguese);
      expect(pt.text).not.toMatch(ENGLISH);
      expect(pt.text).not.toContain(issue.message);
      // The precise technical text is never the sentence, and never lost.
      if (issue.detail) expect([en_.detail, pt.detail]).toEqual([issue.detail, issue.detail]);
      if (issue.detail) expect(pt.text).not.toContain(issue.detail);
    });
  }

  it('says a conflict with the values and time in the operator\'s notation', () => {
    const issue = issues.get('conflict')!;
    expect(issue.params).toMatchObject({ value: 41, stored_value: 40, sensor_id: 'pump-1.temp' });
    const en_ = say('conflict', 'en').text;
    const pt = say('conflict', 'pt-BR').text;
    expect(en_).toMatch(/^The value 41 differs from the value 40 already stored for pump-1\.temp at \d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d; the stored value was kept\.$/);
    expect(pt).toMatch(/^O valor 41 difere do valor 40 já registrado para pump-1\.temp em \d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d; o valor registrado foi mantido\.$/);
    expect(pt).not.toMatch(ENGLISH);
  });

  it('keeps an unreadable row\'s parser message as its detail, in both languages', () => {
    const issue = issues.get('unreadable_row')!;
    expect(issue.message).toMatch(/cells/);
    expect(say('unreadable_row', 'en').detail).toBe(issue.message);
    expect(say('unreadable_row', 'pt-BR').detail).toBe(issue.message);
  });

  it('names the field of an issue from `field`, else from its path', () => {
    expect(issueField({ path: 'readings.3.value', message: 'm' })).toBe('value');
    expect(issueField({ path: 'readings.3.value', field: 'timestamp', message: 'm' })).toBe('timestamp');
    expect(issueField({ path: 'sensor_ids.0', message: 'm' })).toBe('sensor_ids');
  });

  it('falls back to the station\'s sentence in English, and to a plain Portuguese one with the sentence as detail', () => {
    const unknown: Issue = { path: 'horizon', field: 'horizon', code: 'too_big', message: 'must be at most 512' };
    expect(issueText(unknown, EN(), 'en')).toEqual({ text: 'must be at most 512', detail: undefined });
    expect(issueText(unknown, PT(), 'pt-BR')).toEqual({ text: 'Passos à frente: este valor não foi aceito.', detail: 'must be at most 512' });
    const noCode: Issue = { path: 'x', message: 'x is odd' };
    expect(issueText(noCode, PT(), 'pt-BR')).toEqual({ text: 'x: este valor não foi aceito.', detail: 'x is odd' });
  });

  it('says how far ahead in the largest unit that reads naturally', () => {
    expect([2_689_369, 2 * 86_400, 86_399, 7200, 7199, 300, 90].map((s_) => howFar(s_, 'en'))).toEqual(['31 days', '2 days', '24 hours', '2 hours', '120 minutes', '5 minutes', '90 seconds']);
    expect(howFar(2_689_369, 'pt-BR')).toBe('31 dias');
  });
});

describe('errors said by code', () => {
  it('has a sentence for every error code of the contract in both languages, none of them the station\'s message', () => {
    for (const code of ERROR_CODES) {
      const err = new ApiError(400, code, `the station's own words for ${code}`);
      const en_ = errorText(err, EN(), 'en');
      const pt = errorText(err, PT(), 'pt-BR');
      expect(en_.text, code).not.toBe(`errors.${code}`);
      expect(pt.text, code).not.toBe(`errors.${code}`);
      expect(pt.text, code).not.toBe(en_.text);
      expect(en_.detail).toBe(err.message);
      expect(pt.text).not.toContain(err.message);
    }
  });

  it('says the new codes plainly: csrf_failed, request_timeout, insufficient_storage', () => {
    const pt = (code: string) => errorText(new ApiError(0, code, 'x'), PT(), 'pt-BR').text;
    expect(pt('csrf_failed')).toBe('A estação recusou a alteração porque o token de segurança desta página está ausente ou desatualizado. Recarregue o console e tente de novo.');
    expect(pt('request_timeout')).toBe('A estação deixou de esperar pela solicitação. Tente de novo.');
    expect(pt('insufficient_storage')).toBe('O disco da estação está cheio: nada foi registrado. Libere espaço na estação.');
  });

  it('reads a real 422 into its sentence and each issue, and a Retry-After into the wait', async () => {
    const r = await s.request('POST', '/api/v1/data/ingest', { body: { sensor_id: 'bad id!', timestamp: Date.now(), value: 'x' } });
    const err = errorFromBody(r.status, r.body, '', parseRetryAfter('30'));
    const pt = errorText(err, PT(), 'pt-BR');
    expect(pt.text).toBe('Alguns valores não foram aceitos. Tente de novo em 30 segundos.');
    expect(pt.issues.map((i) => i.text)).toEqual(['O campo ID do sensor só aceita letras, algarismos e . _ : - (até 128 caracteres), começando por letra ou algarismo.', 'O campo Valor deve ser um número.']);
    expect(pt.reference).toBe(r.body.correlation_id);
    expect(errorText(err, EN(), 'en').text).toBe('Some values were not accepted. Try again in 30 seconds.');
    expect([formatWait(30, 'en'), formatWait(150, 'en'), formatWait(30, 'pt-BR')]).toEqual(['30 seconds', '3 minutes', '30 segundos']);
    expect([parseRetryAfter(null), parseRetryAfter('soon'), parseRetryAfter(' 7 ')]).toEqual([undefined, undefined, 7]);
  });

  it('says an unreachable station without the browser\'s "Failed to fetch"', () => {
    const said = errorText(new ApiError(0, 'network', 'Failed to fetch'), PT(), 'pt-BR');
    expect(said.text).toContain('Não foi possível alcançar a estação');
    expect(said.detail).toBeUndefined();
  });
});

describe('training job errors said by code', () => {
  it('says each way a job fails, keeping the station\'s message as the detail', () => {
    const cases: [string, string, string][] = [
      ['validation_failed', 'The data was not suitable for training this model.', 'Os dados não servem para treinar este modelo.'],
      ['interrupted', 'The station stopped before this job finished; nothing was registered. Start it again.', 'A estação parou antes de este trabalho terminar; nada foi registrado. Inicie-o de novo.'],
      ['internal', 'Training stopped on an error in the station.', 'O treino parou por um erro na estação.'],
      ['unavailable', 'The model worker was not available, so the job could not run.', 'O processo de modelos não estava disponível, então o trabalho não pôde ser executado.'],
      ['some_new_code', 'Training did not finish.', 'O treino não terminou.'],
    ];
    for (const [code, inEnglish, inPortuguese] of cases) {
      const error = { code, message: `station words for ${code}` };
      expect(jobErrorText(error, EN())).toEqual({ text: inEnglish, detail: error.message });
      expect(jobErrorText(error, PT())).toEqual({ text: inPortuguese, detail: error.message });
    }
    expect(jobErrorText(null, PT()).text).toBe('O treino não terminou.');
  });
});

describe('the contract\'s own bounds said with their values', () => {
  const got = new Map<string, Issue>();
  const first = async (name: string, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const r = await s.request(method, path, body === undefined ? {} : { body });
    expect(r.status, r.text).toBe(422);
    got.set(name, (r.body.error.details as Issue[])[0]!);
  };

  beforeAll(async () => {
    const train = (extra: Record<string, unknown>) => ({ kind: 'forecast', sensor_id: 'pump-1.temp', ...extra });
    await first('at least', 'POST', '/api/v1/ml/train', train({ epochs: 0 }));
    await first('at most', 'POST', '/api/v1/ml/train', train({ epochs: 501 }));
    await first('not a number', 'POST', '/api/v1/ml/train', train({ epochs: 'many' }));
    await first('too many entries', 'POST', '/api/v1/ml/train', { kind: 'anomaly', asset_id: 'pump-1', sensor_ids: Array.from({ length: 65 }, (_, i) => `s-${i}`) });
    await first('empty', 'POST', '/api/v1/ml/train', { kind: 'rul', csv: '', asset_col: 'unit', time_col: 'cycle' });
    await first('one of', 'GET', '/api/v1/events/dead-letters?state=sleeping');
  });

  it.each([
    ['at least', 'Epochs must be at least 1.', 'O campo Épocas deve ser no mínimo 1.'],
    ['at most', 'Epochs must be at most 500.', 'O campo Épocas deve ser no máximo 500.'],
    ['not a number', 'Epochs must be a number.', 'O campo Épocas deve ser um número.'],
    ['too many entries', 'Sensors may have at most 64 entries.', 'O campo Sensores pode ter no máximo 64 itens.'],
    ['empty', 'File must not be empty.', 'O campo Arquivo não pode ficar vazio.'],
    ['one of', 'state must be one of: open, retried, discarded, all.', 'O campo state deve ser um destes: open, retried, discarded, all.'],
  ])('says "%s" from the station\'s issue', (name, inEnglish, inPortuguese) => {
    const issue = got.get(name)!;
    expect(issueText(issue, EN(), 'en').text).toBe(inEnglish);
    expect(issueText(issue, PT(), 'pt-BR').text).toBe(inPortuguese);
  });
});
