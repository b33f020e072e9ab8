/**
 * The email of a notification, in the recipient's language. The web app renders the same types from its own
 * locale files (features/notifications); keep the two in step when adding a type.
 */
type Lang = 'en' | 'pt-BR';
type Data = Record<string, unknown>;
type Text = { title: string; body: string };

const s = (v: unknown, fallback = ''): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : fallback);

const TEXTS: Record<string, Record<Lang, (d: Data) => Text>> = {
  lead_assigned: {
    en: (d) =>
      d.count
        ? { title: 'New leads assigned', body: `${s(d.actorName, 'A manager')} gave you ${s(d.count)} leads.` }
        : { title: 'New lead assigned', body: `${s(d.leadName, 'A lead')} is now yours${d.actorName ? ` (assigned by ${s(d.actorName)})` : ''}.` },
    'pt-BR': (d) =>
      d.count
        ? { title: 'Novos leads atribuídos', body: `${s(d.actorName, 'Um gestor')} passou ${s(d.count)} leads para você.` }
        : { title: 'Novo lead atribuído', body: `${s(d.leadName, 'Um lead')} agora é seu${d.actorName ? ` (atribuído por ${s(d.actorName)})` : ''}.` },
  },
  lead_offered: {
    en: (d) => ({ title: 'Lead on offer', body: `${s(d.leadName, 'A lead')} is offered to your group: the first to claim it gets it.` }),
    'pt-BR': (d) => ({ title: 'Lead em oferta', body: `${s(d.leadName, 'Um lead')} foi oferecido ao seu grupo: quem pegar primeiro fica com ele.` }),
  },
  sla_breached: {
    en: (d) => ({
      title: 'SLA missed',
      body: `${s(d.fromUserName, 'The owner')} did not act on ${s(d.leadName, 'a lead')} within ${s(d.slaMinutes)} minutes${d.toUserName ? `; it went to ${s(d.toUserName)}` : ''}.`,
    }),
    'pt-BR': (d) => ({
      title: 'SLA perdido',
      body: `${s(d.fromUserName, 'O responsável')} não agiu sobre ${s(d.leadName, 'um lead')} em ${s(d.slaMinutes)} minutos${d.toUserName ? `; foi para ${s(d.toUserName)}` : ''}.`,
    }),
  },
  mention: {
    en: (d) => ({ title: `${s(d.actorName, 'Someone')} mentioned you`, body: `In a note on ${s(d.leadName, 'a lead')}.` }),
    'pt-BR': (d) => ({ title: `${s(d.actorName, 'Alguém')} mencionou você`, body: `Em uma nota de ${s(d.leadName, 'um lead')}.` }),
  },
  task_due: {
    en: (d) => ({ title: 'Task due', body: s(d.taskTitle, 'A task is due.') }),
    'pt-BR': (d) => ({ title: 'Tarefa vencendo', body: s(d.taskTitle, 'Uma tarefa vence agora.') }),
  },
  task_reminder: {
    en: (d) => ({ title: 'Reminder', body: s(d.taskTitle, 'A task reminder.') }),
    'pt-BR': (d) => ({ title: 'Lembrete', body: s(d.taskTitle, 'Um lembrete de tarefa.') }),
  },
};

export function notificationText(type: string, locale: string, data: Data): Text {
  const lang: Lang = locale === 'pt-BR' ? 'pt-BR' : 'en';
  const t = TEXTS[type]?.[lang];
  return t ? t(data) : { title: s(data.title, type), body: s(data.body) };
}

export function notificationMail(type: string, locale: string, data: Data, url: string | null): { subject: string; text: string } {
  const { title, body } = notificationText(type, locale, data);
  const open = locale === 'pt-BR' ? 'Abrir' : 'Open';
  const footer =
    locale === 'pt-BR'
      ? 'Você recebe este email porque escolheu emails para este tipo de notificação no seu perfil.'
      : 'You get this email because you chose email for this kind of notification in your profile.';
  return { subject: title, text: `${body}\n\n${url ? `${open}: ${url}\n\n` : ''}${footer}` };
}
