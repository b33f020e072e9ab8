import type { PresetDefinition } from '../preset-types.ts';
import { COMMON_LOST_REASONS, COMMON_SOURCES, WORD_OF_MOUTH, t } from './common.ts';

export const realEstate: PresetDefinition = {
  key: 'real_estate',
  name: t('Real estate', 'Imobiliária'),
  description: t('Buyers and renters from first contact to closing, with property and budget fields.', 'Compradores e locatários do primeiro contato ao fechamento, com imóvel e orçamento.'),
  pipelines: [
    {
      name: t('Buyers and renters', 'Compradores e locatários'),
      stages: [
        { name: t('New lead', 'Novo lead'), kind: 'open', status: 'new', color: 'blue', rottingDays: 2 },
        { name: t('Contacted', 'Em contato'), kind: 'open', status: 'in_contact', color: 'cyan', rottingDays: 7 },
        { name: t('Visit scheduled', 'Visita agendada'), kind: 'open', status: 'qualified', color: 'violet', rottingDays: 7 },
        { name: t('Proposal', 'Proposta'), kind: 'open', status: 'qualified', color: 'grape', rottingDays: 10 },
        { name: t('Closed', 'Fechado'), kind: 'won', status: 'converted', color: 'green' },
        { name: t('Lost', 'Perdido'), kind: 'lost', status: 'lost', color: 'red' },
      ],
    },
  ],
  fields: [
    {
      key: 'property_type',
      label: t('Property type', 'Tipo de imóvel'),
      type: 'select',
      options: [
        { value: 'house', label: t('House', 'Casa') },
        { value: 'apartment', label: t('Apartment', 'Apartamento') },
        { value: 'land', label: t('Land', 'Terreno') },
        { value: 'commercial', label: t('Commercial', 'Comercial') },
      ],
    },
    {
      key: 'budget_range',
      label: t('Budget range', 'Faixa de orçamento'),
      type: 'select',
      options: [
        { value: 'up_to_250k', label: t('Up to 250k', 'Até 250 mil') },
        { value: '250k_500k', label: t('250k – 500k', '250 mil – 500 mil') },
        { value: '500k_1m', label: t('500k – 1M', '500 mil – 1 milhão') },
        { value: 'over_1m', label: t('Over 1M', 'Acima de 1 milhão') },
      ],
    },
    { key: 'area', label: t('Area / neighbourhood', 'Região / bairro'), type: 'text' },
    {
      key: 'buy_or_rent',
      label: t('Buy or rent', 'Comprar ou alugar'),
      type: 'select',
      options: [
        { value: 'buy', label: t('Buy', 'Comprar') },
        { value: 'rent', label: t('Rent', 'Alugar') },
      ],
    },
    { key: 'bedrooms', label: t('Bedrooms', 'Quartos'), type: 'number' },
  ],
  sources: [...COMMON_SOURCES, { name: t('Property portal', 'Portal imobiliário'), kind: 'paid' }, { name: t('Sign / walk-in', 'Placa / visita ao plantão'), kind: 'organic' }, WORD_OF_MOUTH([t('Family', 'Família'), t('Friend', 'Amigo'), t('Past client', 'Ex-cliente')])],
  lostReasons: [...COMMON_LOST_REASONS, t('Financing denied', 'Financiamento negado'), t('Gave up moving', 'Desistiu da mudança')],
  tags: [
    { name: t('First-time buyer', 'Primeiro imóvel'), color: 'blue' },
    { name: t('Investor', 'Investidor'), color: 'grape' },
    { name: t('Pre-approved', 'Crédito aprovado'), color: 'green' },
  ],
};
