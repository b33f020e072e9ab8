import type { PresetDefinition } from '../preset-types.ts';
import { COMMON_LOST_REASONS, COMMON_SOURCES, WORD_OF_MOUTH, t } from './common.ts';

const MONTHS: [string, string, string][] = [
  ['01', 'January', 'Janeiro'],
  ['02', 'February', 'Fevereiro'],
  ['03', 'March', 'Março'],
  ['04', 'April', 'Abril'],
  ['05', 'May', 'Maio'],
  ['06', 'June', 'Junho'],
  ['07', 'July', 'Julho'],
  ['08', 'August', 'Agosto'],
  ['09', 'September', 'Setembro'],
  ['10', 'October', 'Outubro'],
  ['11', 'November', 'Novembro'],
  ['12', 'December', 'Dezembro'],
];

export const insurance: PresetDefinition = {
  key: 'insurance',
  name: t('Insurance brokerage', 'Corretora de seguros'),
  description: t('Quotes to policies, with insurance type, current insurer and renewal month.', 'Cotações até a apólice, com tipo de seguro, seguradora atual e mês de renovação.'),
  pipelines: [
    {
      name: t('Quotes', 'Cotações'),
      stages: [
        { name: t('New', 'Novo'), kind: 'open', status: 'new', color: 'blue', rottingDays: 2 },
        { name: t('Collecting data', 'Coletando dados'), kind: 'open', status: 'in_contact', color: 'cyan', rottingDays: 5 },
        { name: t('Quote sent', 'Cotação enviada'), kind: 'open', status: 'qualified', color: 'violet', rottingDays: 7 },
        { name: t('Policy issued', 'Apólice emitida'), kind: 'won', status: 'converted', color: 'green' },
        { name: t('Lost', 'Perdido'), kind: 'lost', status: 'lost', color: 'red' },
      ],
    },
  ],
  fields: [
    {
      key: 'insurance_type',
      label: t('Insurance type', 'Tipo de seguro'),
      type: 'select',
      options: [
        { value: 'auto', label: t('Auto', 'Auto') },
        { value: 'home', label: t('Home', 'Residencial') },
        { value: 'life', label: t('Life', 'Vida') },
        { value: 'health', label: t('Health', 'Saúde') },
        { value: 'business', label: t('Business', 'Empresarial') },
      ],
    },
    { key: 'current_insurer', label: t('Current insurer', 'Seguradora atual'), type: 'text' },
    {
      key: 'renewal_month',
      label: t('Renewal month', 'Mês de renovação'),
      type: 'select',
      options: MONTHS.map(([value, en, pt]) => ({ value, label: t(en, pt) })),
    },
    { key: 'current_premium', label: t('Current premium', 'Prêmio atual'), type: 'money' },
  ],
  sources: [...COMMON_SOURCES, { name: t('Quote comparison site', 'Comparador de cotações'), kind: 'paid' }, WORD_OF_MOUTH([t('Family', 'Família'), t('Friend', 'Amigo'), t('Client', 'Cliente')])],
  lostReasons: [...COMMON_LOST_REASONS, t('Renewed with current insurer', 'Renovou com a seguradora atual'), t('Declined by insurer', 'Recusado pela seguradora')],
  tags: [
    { name: t('Renewal', 'Renovação'), color: 'orange' },
    { name: t('Cross-sell', 'Venda cruzada'), color: 'grape' },
  ],
};
