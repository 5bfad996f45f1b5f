// Painel da política de alarme da aba Modelos; tipado como o formato em inglês.
import type { policy as en } from '../en/policy';

export const policy: typeof en = {
  title: 'Política de alarme de {{asset}}',
  intro: 'Com que facilidade o alarme de anomalia deste ativo é disparado e encerrado. Vale a partir da próxima leitura, sem retreinar o modelo. Um campo vazio usa o valor calibrado do modelo.',
  loadFailed: 'Não foi possível carregar a política de alarme',
  noModel: 'Nenhum modelo de anomalia atende este ativo ainda: os ajustes valem quando um for treinado.',
  none: 'Nenhuma política definida: vale a calibração do modelo.',
  revision: 'Revisão {{revision}}, salva {{time}} por {{by}}.',
  revisionBySystem: 'Revisão {{revision}}, salva {{time}}.',
  thresholdInUse: 'Limiar em uso: {{threshold}} (do modelo: {{model}}).',
  needsOperate: 'Esta chave pode ver a política de alarme. Para alterá-la é preciso uma chave com o escopo operate.',
  modelValue: 'Valor do modelo: {{value}}',
  modelValueNone: 'Ainda sem valor do modelo',
  fromPolicy: 'Definido pela política',
  fromModel: 'Em uso o valor do modelo',
  field: {
    threshold_factor: {
      label: 'Fator do limiar',
      hint: 'Multiplica o limiar do modelo: acima de 1 alarma menos, abaixo de 1 mais. Acima de 0, no máximo 100.',
    },
    enter_steps: {
      label: 'Atraso de entrada (leituras)',
      hint: 'Leituras seguidas acima do limiar antes de o alarme disparar. De 1 a 10000.',
    },
    immediate_ratio: {
      label: 'Alarme imediato em (× limiar)',
      hint: 'Uma pontuação essa quantidade de vezes o limiar dispara o alarme na hora. De 1 a 1000.',
    },
    exit_steps: {
      label: 'Atraso de saída (leituras)',
      hint: 'Leituras seguidas abaixo do nível de saída antes de o alarme se encerrar. De 1 a 10000.',
    },
    exit_ratio: {
      label: 'Nível de saída (fração do limiar)',
      hint: 'A histerese: o alarme se encerra abaixo desta fração do limiar. Acima de 0, no máximo 1.',
    },
  },
  invalid: {
    number: 'Digite um número, ou deixe vazio para usar o valor do modelo.',
    whole: 'Digite um número inteiro de leituras.',
    range: 'Fora dos limites: veja abaixo.',
  },
  save: 'Salvar política',
  clear: 'Usar valores do modelo',
  reset: 'Voltar ao padrão do modelo',
  resetUnavailable: 'Nenhuma política definida.',
  confirmSave: 'Salvar estas alterações na política de alarme de {{asset}}?',
  confirmReset: 'Remover a política de alarme de {{asset}}? Todos os ajustes voltam ao valor do modelo.',
  confirmSaveButton: 'Salvar',
  confirmResetButton: 'Voltar ao padrão',
  noChanges: 'Nada muda: a política é salva como está.',
  change: '{{field}}: {{from}} → {{to}}',
  modelMark: 'do modelo ({{value}})',
  saved: 'A política de alarme de {{asset}} foi salva como revisão {{revision}}. Os alarmes a usam a partir da próxima leitura.',
  resetDone: 'A política de alarme de {{asset}} foi removida: vale a calibração do modelo.',
  changes: 'O que mudou:',
  saveFailed: 'A política de alarme não foi salva',
};
