import type { PresetDefinition, Text } from '../preset-types.ts';

/** Pieces several presets share. */
export const t = (en: string, ptBR: string): Text => ({ en, 'pt-BR': ptBR });

export const WORD_OF_MOUTH = (subtypes: Text[]): PresetDefinition['sources'][number] => ({
  name: t('Word of mouth', 'Boca a boca'),
  kind: 'word_of_mouth',
  subtypes,
});

export const COMMON_SOURCES: PresetDefinition['sources'] = [
  { name: t('Website', 'Site'), kind: 'organic' },
  { name: t('Facebook / Instagram ads', 'Anúncios Facebook / Instagram'), kind: 'paid' },
  { name: t('Google Ads', 'Google Ads'), kind: 'paid' },
  { name: t('Referral', 'Indicação'), kind: 'referral' },
  { name: t('Event', 'Evento'), kind: 'event' },
];

export const COMMON_LOST_REASONS: Text[] = [
  t('No response', 'Sem resposta'),
  t('Chose a competitor', 'Escolheu um concorrente'),
  t('Price too high', 'Preço alto'),
  t('Not qualified', 'Não qualificado'),
];
