// Strings shared by the whole console, in Brazilian Portuguese; typed as the English shape.
import type { common as en } from '../en/common';

export const common: typeof en = {
  app: {
    name: 'Console de Manutenção Inteligente',
    loading: 'Conectando à estação…',
  },
  header: {
    station: 'Estação',
    signedInAs: 'Chave',
    timeZone: 'Horários em {{zone}}',
    language: 'Idioma',
    signOut: 'Sair',
  },
  tabs: {
    label: 'Seções do console',
    explorer: 'Explorador de dados',
    ingest: 'Entrada de dados',
    models: 'Modelos',
    prediction: 'Previsão',
    shortcut: 'Alt+{{n}}',
    none: 'Esta chave não pode usar nenhuma parte do console. Peça a um administrador uma chave com o escopo read ou ingest.',
  },
  common: {
    loading: 'Carregando…',
    refresh: 'Atualizar',
  },
  errors: {
    network: 'Não foi possível alcançar a estação. Verifique se ela está em execução e se este computador está conectado, e tente de novo.',
    unauthorized: 'A estação não aceitou a chave: {{message}}',
    forbidden: 'Esta chave não tem permissão para isso: {{message}}',
    rate_limited: 'Muitas solicitações. Aguarde um momento e tente de novo. ({{message}})',
    validation_failed: 'Alguns valores não foram aceitos: {{message}}',
    not_found: 'Não encontrado: {{message}}',
    conflict: 'Conflito: {{message}}',
    payload_too_large: 'Grande demais: {{message}}',
    unsupported_media_type: 'Tipo de arquivo errado: {{message}}',
    unavailable: 'A estação está ocupada ou sendo desligada: {{message}}',
    generic: '{{message}}',
    reference: 'Referência para o administrador: {{id}}',
  },
  signIn: {
    title: 'Entrar',
    intro: 'Cole uma chave de API ou abra o link de acesso que a estação mostra ao iniciar (smc serve).',
    keyLabel: 'Chave de API',
    keyHint: 'A chave fica guardada neste navegador até você sair.',
    submit: 'Entrar',
    checking: 'Verificando…',
    show: 'Mostrar chave',
    hide: 'Ocultar chave',
    retry: 'Tentar de novo',
    problem: {
      invalidKey: 'Esta chave não é válida. Verifique se foi copiada por inteiro ou peça uma nova a um administrador.',
      forbidden: 'Esta chave não tem permissão para usar o console.',
      network: 'Não foi possível alcançar a estação. Verifique se ela está em execução e se este computador está conectado.',
      expired: 'Sua chave deixou de funcionar (foi revogada ou expirou). Entre novamente.',
      tokenUsed: 'Este link de acesso já foi usado ou está desatualizado. Use o link mais recente mostrado pela estação ou cole uma chave de API.',
      signedOut: 'Você saiu.',
      other: 'Falha ao entrar: {{message}}',
    },
  },
};
