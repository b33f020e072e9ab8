/** Mail of lead capture, in the workspace's language. */
export function connectionBrokenMail(locale: string, p: { page: string; workspace: string; error: string; url: string }): { subject: string; text: string } {
  if (locale === 'pt-BR') {
    return {
      subject: `Facebook Lead Ads desconectado: ${p.page}`,
      text: `A conexão do LeadFlow com a página ${p.page} (${p.workspace}) parou de funcionar e os novos leads dessa página não estão chegando.\n\nErro da Meta: ${p.error}\n\nInforme um novo token de acesso da página em Configurações > Integrações. Os leads recebidos nesse meio-tempo são buscados assim que a conexão volta:\n\n${p.url}`,
    };
  }
  return {
    subject: `Facebook Lead Ads disconnected: ${p.page}`,
    text: `LeadFlow's connection to the page ${p.page} (${p.workspace}) stopped working, and new leads of that page are not arriving.\n\nMeta's error: ${p.error}\n\nEnter a new page access token in Settings > Integrations. The leads received meanwhile are fetched as soon as the connection works again:\n\n${p.url}`,
  };
}
