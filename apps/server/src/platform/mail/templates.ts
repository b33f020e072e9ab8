/** Transactional mail in the recipient's language. Keep each message short: one purpose, one link. */
type Lang = 'en' | 'pt-BR';
type Template = (p: Record<string, string>) => { subject: string; text: string };

const TEMPLATES: Record<string, Record<Lang, Template>> = {
  passwordReset: {
    en: (p) => ({
      subject: 'Reset your LeadFlow password',
      text: `Hello ${p.name},\n\nOpen this link to choose a new password. It works once and expires in ${p.minutes} minutes:\n\n${p.url}\n\nIf you did not ask for this, ignore this message.`,
    }),
    'pt-BR': (p) => ({
      subject: 'Redefina sua senha do LeadFlow',
      text: `Olá ${p.name},\n\nAbra este link para escolher uma nova senha. Ele funciona uma vez e expira em ${p.minutes} minutos:\n\n${p.url}\n\nSe você não pediu isso, ignore esta mensagem.`,
    }),
  },
  invitation: {
    en: (p) => ({
      subject: `You are invited to ${p.workspace} on LeadFlow`,
      text: `${p.inviter} invited you to join ${p.workspace} as ${p.role}.\n\nAccept the invitation (valid for ${p.days} days):\n\n${p.url}`,
    }),
    'pt-BR': (p) => ({
      subject: `Você foi convidado para ${p.workspace} no LeadFlow`,
      text: `${p.inviter} convidou você para entrar em ${p.workspace} como ${p.role}.\n\nAceite o convite (válido por ${p.days} dias):\n\n${p.url}`,
    }),
  },
  signupPending: {
    en: (p) => ({
      subject: `${p.name} asks to join ${p.workspace}`,
      text: `${p.name} <${p.email}> signed up and asks to join ${p.workspace}.\n\nApprove or reject the request in Settings > Users:\n\n${p.url}`,
    }),
    'pt-BR': (p) => ({
      subject: `${p.name} pede para entrar em ${p.workspace}`,
      text: `${p.name} <${p.email}> se cadastrou e pede para entrar em ${p.workspace}.\n\nAprove ou recuse o pedido em Configurações > Usuários:\n\n${p.url}`,
    }),
  },
  signupApproved: {
    en: (p) => ({
      subject: `Welcome to ${p.workspace}`,
      text: `Your request to join ${p.workspace} was approved. Sign in:\n\n${p.url}`,
    }),
    'pt-BR': (p) => ({
      subject: `Bem-vindo a ${p.workspace}`,
      text: `Seu pedido para entrar em ${p.workspace} foi aprovado. Entre:\n\n${p.url}`,
    }),
  },
};

export type TemplateName = keyof typeof TEMPLATES;

export function renderMail(name: TemplateName, locale: string, params: Record<string, string>) {
  const lang: Lang = locale === 'pt-BR' ? 'pt-BR' : 'en';
  return TEMPLATES[name]![lang](params);
}
