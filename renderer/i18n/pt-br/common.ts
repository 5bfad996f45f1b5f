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
    signingOut: 'Saindo…',
    signOutFailed: 'Você não saiu: a estação não encerrou a sessão',
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
    bytes_zero: '{{n}} bytes',
    bytes_one: '{{n}} byte',
    bytes_other: '{{n}} bytes',
  },
  signIn: {
    title: 'Entrar',
    intro: 'Cole uma chave de API ou abra o link de acesso que a estação mostra ao iniciar (smc serve).',
    keyLabel: 'Chave de API',
    keyHint: 'A chave em si não é guardada: a estação abre uma sessão para este navegador, que dura até você sair.',
    submit: 'Entrar',
    checking: 'Verificando…',
    show: 'Mostrar chave',
    hide: 'Ocultar chave',
    retry: 'Tentar de novo',
    problem: {
      invalidKey: 'Esta chave não é válida. Verifique se foi copiada por inteiro ou peça uma nova a um administrador.',
      forbidden: 'Esta chave não tem permissão para usar o console.',
      network: 'Não foi possível alcançar a estação. Verifique se ela está em execução e se este computador está conectado.',
      expired: 'Sua sessão expirou. Entre novamente.',
      revoked: 'Sua sessão foi encerrada na estação: alguém saiu dela em outro lugar, ou a chave dela foi revogada. Entre novamente.',
      tokenUsed: 'Este link já foi usado ou expirou; peça um novo (o comando smc sign-in-link na estação mostra um) ou entre com uma chave de API.',
      rateLimited: 'Tentativas de acesso com falha demais a partir deste computador. Aguarde um momento e tente de novo.',
      rateLimitedWait: 'Tentativas de acesso com falha demais a partir deste computador. Tente de novo em {{wait}}.',
      signedOut: 'Você saiu. A sessão foi encerrada na estação.',
      other: 'Falha ao entrar: {{message}}',
    },
  },
};
