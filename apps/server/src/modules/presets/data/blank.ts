import type { PresetDefinition } from '../preset-types.ts';
import { t } from './common.ts';

/** The neutral start: one sales pipeline and nothing else. */
export const blank: PresetDefinition = {
  key: 'blank',
  name: t('Blank', 'Em branco'),
  description: t('One simple sales pipeline; add your own fields and sources.', 'Um funil de vendas simples; crie seus próprios campos e origens.'),
  pipelines: [
    {
      name: t('Sales', 'Vendas'),
      stages: [
        { name: t('New', 'Novo'), kind: 'open', status: 'new', color: 'blue' },
        { name: t('Contacted', 'Em contato'), kind: 'open', status: 'in_contact', color: 'cyan' },
        { name: t('Qualified', 'Qualificado'), kind: 'open', status: 'qualified', color: 'violet' },
        { name: t('Won', 'Ganho'), kind: 'won', status: 'converted', color: 'green' },
        { name: t('Lost', 'Perdido'), kind: 'lost', status: 'lost', color: 'red' },
      ],
    },
  ],
  fields: [],
  sources: [],
  lostReasons: [],
  tags: [],
};
