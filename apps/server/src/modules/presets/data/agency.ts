import type { PresetDefinition } from '../preset-types.ts';
import { COMMON_LOST_REASONS, COMMON_SOURCES, WORD_OF_MOUTH, t } from './common.ts';

export const agency: PresetDefinition = {
  key: 'agency',
  name: t('Agency / B2B', 'Agência / B2B'),
  description: t('Business deals from discovery call to signed contract, with company fields.', 'Negócios B2B da reunião inicial ao contrato assinado, com dados da empresa.'),
  pipelines: [
    {
      name: t('New business', 'Novos negócios'),
      stages: [
        { name: t('Lead', 'Lead'), kind: 'open', status: 'new', color: 'blue', rottingDays: 3 },
        { name: t('Discovery call', 'Reunião inicial'), kind: 'open', status: 'in_contact', color: 'cyan', rottingDays: 7 },
        { name: t('Proposal sent', 'Proposta enviada'), kind: 'open', status: 'qualified', color: 'violet', rottingDays: 14 },
        { name: t('Negotiation', 'Negociação'), kind: 'open', status: 'qualified', color: 'grape', rottingDays: 14 },
        { name: t('Signed', 'Assinado'), kind: 'won', status: 'converted', color: 'green' },
        { name: t('Lost', 'Perdido'), kind: 'lost', status: 'lost', color: 'red' },
      ],
    },
  ],
  fields: [
    { key: 'industry', label: t('Industry', 'Setor'), type: 'text' },
    { key: 'website', label: t('Website', 'Site'), type: 'url' },
    {
      key: 'company_size',
      label: t('Company size', 'Tamanho da empresa'),
      type: 'select',
      options: [
        { value: '1_10', label: t('1–10', '1–10') },
        { value: '11_50', label: t('11–50', '11–50') },
        { value: '51_200', label: t('51–200', '51–200') },
        { value: '201_1000', label: t('201–1,000', '201–1.000') },
        { value: 'over_1000', label: t('Over 1,000', 'Mais de 1.000') },
      ],
    },
    { key: 'deal_value', label: t('Deal value', 'Valor do negócio'), type: 'money' },
  ],
  sources: [...COMMON_SOURCES, { name: t('LinkedIn', 'LinkedIn'), kind: 'organic' }, { name: t('Outbound', 'Prospecção ativa'), kind: 'other' }, WORD_OF_MOUTH([t('Client', 'Cliente'), t('Partner', 'Parceiro')])],
  lostReasons: [...COMMON_LOST_REASONS, t('No budget', 'Sem orçamento'), t('Project postponed', 'Projeto adiado')],
  tags: [
    { name: t('Retainer', 'Contrato mensal'), color: 'green' },
    { name: t('One-off project', 'Projeto pontual'), color: 'blue' },
    { name: t('Enterprise', 'Grande empresa'), color: 'grape' },
  ],
};
