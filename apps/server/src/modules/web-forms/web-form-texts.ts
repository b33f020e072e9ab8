/** What the public form page says, in the workspace's language (English unless it chose Portuguese). */
export type FormTexts = {
  lang: string;
  submit: string;
  thankYou: string;
  required: string;
  choose: string;
  errorSummary: string;
  fieldRequired: (label: string) => string;
  consentRequired: string;
  email: string;
  phone: string;
  number: string;
  date: string;
  url: string;
  option: string;
  tooLong: (max: number) => string;
  invalid: string;
  closed: string;
  closedDetail: string;
  rateLimited: string;
  continueLink: string;
  redirecting: string;
  yes: string;
};

const en: FormTexts = {
  lang: 'en',
  submit: 'Send',
  thankYou: 'Thank you! We received your details and will be in touch soon.',
  required: 'required',
  choose: 'Choose…',
  errorSummary: 'Please check the highlighted fields:',
  fieldRequired: (label) => `${label} is required`,
  consentRequired: 'Please tick the box to continue',
  email: 'Enter a valid email address',
  phone: 'Enter a valid phone number; numbers from another country start with + and the country code',
  number: 'Enter a number',
  date: 'Enter a date',
  url: 'Enter a web address starting with http:// or https://',
  option: 'Choose one of the options',
  tooLong: (max) => `Use at most ${max} characters`,
  invalid: 'This value is not valid',
  closed: 'This form is not available',
  closedDetail: 'It may have been closed or its address may be wrong.',
  rateLimited: 'Too many submissions from your connection. Please wait a minute and try again.',
  continueLink: 'Continue',
  redirecting: 'Thank you! Taking you to the next page…',
  yes: 'Yes',
};

const ptBR: FormTexts = {
  lang: 'pt-BR',
  submit: 'Enviar',
  thankYou: 'Obrigado! Recebemos seus dados e entraremos em contato em breve.',
  required: 'obrigatório',
  choose: 'Escolha…',
  errorSummary: 'Verifique os campos destacados:',
  fieldRequired: (label) => `Preencha o campo ${label}`,
  consentRequired: 'Marque a caixa para continuar',
  email: 'Informe um e-mail válido',
  phone: 'Informe um telefone válido; números de outro país começam com + e o código do país',
  number: 'Informe um número',
  date: 'Informe uma data',
  url: 'Informe um endereço que comece com http:// ou https://',
  option: 'Escolha uma das opções',
  tooLong: (max) => `Use no máximo ${max} caracteres`,
  invalid: 'Este valor não é válido',
  closed: 'Este formulário não está disponível',
  closedDetail: 'Ele pode ter sido encerrado ou o endereço pode estar errado.',
  rateLimited: 'Muitos envios da sua conexão. Aguarde um minuto e tente de novo.',
  continueLink: 'Continuar',
  redirecting: 'Obrigado! Levando você para a próxima página…',
  yes: 'Sim',
};

export function formTexts(locale: string | null | undefined): FormTexts {
  return locale === 'pt-BR' ? ptBR : en;
}
