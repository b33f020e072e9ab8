import type { PresetDefinition } from '../preset-types.ts';
import { COMMON_LOST_REASONS, WORD_OF_MOUTH, t } from './common.ts';

export const homeCare: PresetDefinition = {
  key: 'home_care',
  name: t('Home care / health', 'Home care / saúde'),
  description: t(
    'Care intake from first call to start of care, with patient and emergency-contact fields.',
    'Admissão de pacientes do primeiro contato ao início do atendimento, com dados do paciente e contato de emergência.',
  ),
  pipelines: [
    {
      name: t('Care intake', 'Admissão'),
      stages: [
        { name: t('Inquiry', 'Consulta'), kind: 'open', status: 'new', color: 'blue', rottingDays: 2 },
        { name: t('Assessment scheduled', 'Avaliação agendada'), kind: 'open', status: 'in_contact', color: 'cyan', rottingDays: 5 },
        { name: t('Assessment done', 'Avaliação feita'), kind: 'open', status: 'qualified', color: 'violet', rottingDays: 7 },
        { name: t('Care started', 'Atendimento iniciado'), kind: 'won', status: 'converted', color: 'green' },
        { name: t('Not admitted', 'Não admitido'), kind: 'lost', status: 'lost', color: 'red' },
      ],
    },
  ],
  fields: [
    { key: 'date_of_birth', label: t('Date of birth', 'Data de nascimento'), type: 'date' },
    { key: 'medicaid_number', label: t('Medicaid number', 'Número do Medicaid'), type: 'text' },
    { key: 'emergency_contact_name', label: t('Emergency contact name', 'Contato de emergência (nome)'), type: 'text' },
    {
      key: 'emergency_contact_relation',
      label: t('Emergency contact relation', 'Contato de emergência (parentesco)'),
      type: 'select',
      options: [
        { value: 'spouse', label: t('Spouse', 'Cônjuge') },
        { value: 'child', label: t('Son / daughter', 'Filho(a)') },
        { value: 'parent', label: t('Parent', 'Pai / mãe') },
        { value: 'sibling', label: t('Sibling', 'Irmão(ã)') },
        { value: 'friend', label: t('Friend', 'Amigo(a)') },
        { value: 'other', label: t('Other', 'Outro') },
      ],
    },
    { key: 'emergency_contact_phone', label: t('Emergency contact phone', 'Contato de emergência (telefone)'), type: 'phone' },
    {
      key: 'last_contact_status',
      label: t('Last contact status', 'Status do último contato'),
      type: 'select',
      options: [
        { value: 'reached', label: t('Reached', 'Atendeu') },
        { value: 'voicemail', label: t('Left voicemail', 'Caixa postal') },
        { value: 'no_answer', label: t('No answer', 'Não atendeu') },
        { value: 'wrong_number', label: t('Wrong number', 'Número errado') },
        { value: 'call_back', label: t('Asked to call back', 'Pediu retorno') },
      ],
    },
    {
      key: 'care_type',
      label: t('Care type', 'Tipo de cuidado'),
      type: 'select',
      options: [
        { value: 'personal_care', label: t('Personal care', 'Cuidados pessoais') },
        { value: 'skilled_nursing', label: t('Skilled nursing', 'Enfermagem') },
        { value: 'companionship', label: t('Companionship', 'Companhia') },
        { value: 'respite', label: t('Respite', 'Cuidado temporário') },
      ],
    },
  ],
  sources: [
    WORD_OF_MOUTH([t('Family', 'Família'), t('Friend', 'Amigo'), t('Doctor', 'Médico'), t('Hospital / social worker', 'Hospital / assistente social')]),
    { name: t('Hospital discharge', 'Alta hospitalar'), kind: 'referral' },
    { name: t('Website', 'Site'), kind: 'organic' },
    { name: t('Facebook / Instagram ads', 'Anúncios Facebook / Instagram'), kind: 'paid' },
    { name: t('Health fair', 'Feira de saúde'), kind: 'event' },
  ],
  lostReasons: [
    t('Not eligible', 'Não elegível'),
    t('No coverage / cannot pay', 'Sem cobertura / sem condições de pagar'),
    t('Chose another agency', 'Escolheu outra agência'),
    t('Moved to a facility', 'Foi para uma instituição'),
    t('Passed away', 'Faleceu'),
    ...COMMON_LOST_REASONS.slice(0, 1),
  ],
  tags: [
    { name: t('Medicaid', 'Medicaid'), color: 'blue' },
    { name: t('Private pay', 'Particular'), color: 'green' },
    { name: t('Urgent', 'Urgente'), color: 'red' },
    { name: t('Spanish speaker', 'Fala espanhol'), color: 'orange' },
  ],
};
