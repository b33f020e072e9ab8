import type { CustomFieldType } from '@leadflow/shared/leads';
import type { WebForm, WebFormStandardField } from '@leadflow/shared/web-forms';
import { WEB_FORM_CUSTOM_FIELD_TYPES, WEB_FORM_STANDARD_FIELDS, createWebFormRequest } from '@leadflow/shared/web-forms';
import type { FormErrors } from '@mantine/form';
import type { TFunction } from 'i18next';
import { zodResolver } from '@/lib/form';

/** A custom field as the builder offers it (the page passes them in). */
export type OfferedCustomField = {
  key: string;
  label: string;
  type: CustomFieldType;
  options: { value: string; label: string }[];
};

export type FieldRow = { key: string; label: string; required: boolean; placeholder: string };

export type AfterSubmit = 'message' | 'redirect';

/** The builder's state: text inputs hold strings, the request gets nulls. */
export type WebFormValues = {
  name: string;
  title: string;
  intro: string;
  fields: FieldRow[];
  consentText: string;
  submitLabel: string;
  afterSubmit: AfterSubmit;
  successMessage: string;
  redirectUrl: string;
  source: string;
  campaign: string;
  tags: string[];
  stageId: string | null;
  active: boolean;
  allowedOrigins: string[];
  minSecondsToSubmit: number | string;
};

export function isStandardField(key: string): key is WebFormStandardField {
  return (WEB_FORM_STANDARD_FIELDS as readonly string[]).includes(key);
}

export function isOfferedType(type: CustomFieldType): boolean {
  return (WEB_FORM_CUSTOM_FIELD_TYPES as readonly string[]).includes(type);
}

export function initialValues(t: TFunction, form?: WebForm): WebFormValues {
  if (!form) {
    return {
      name: '',
      title: '',
      intro: '',
      fields: [
        { key: 'fullName', label: t('webForms.standardFields.fullName'), required: true, placeholder: '' },
        { key: 'email', label: t('webForms.standardFields.email'), required: true, placeholder: '' },
        { key: 'phone', label: t('webForms.standardFields.phone'), required: false, placeholder: '' },
      ],
      consentText: '',
      submitLabel: '',
      afterSubmit: 'message',
      successMessage: '',
      redirectUrl: '',
      source: t('webForms.editor.defaultSource'),
      campaign: '',
      tags: [],
      stageId: null,
      active: true,
      allowedOrigins: [],
      minSecondsToSubmit: 3,
    };
  }
  return {
    name: form.name,
    title: form.title ?? '',
    intro: form.intro ?? '',
    fields: form.fields.map((f) => ({ key: f.key, label: f.label, required: f.required, placeholder: f.placeholder ?? '' })),
    consentText: form.consentText ?? '',
    submitLabel: form.submitLabel ?? '',
    afterSubmit: form.redirectUrl ? 'redirect' : 'message',
    successMessage: form.successMessage ?? '',
    redirectUrl: form.redirectUrl ?? '',
    source: form.source ?? '',
    campaign: form.campaign ?? '',
    tags: form.tags,
    stageId: form.stageId,
    active: form.active,
    allowedOrigins: form.allowedOrigins,
    minSecondsToSubmit: form.minSecondsToSubmit,
  };
}

const orNull = (s: string) => (s.trim() ? s.trim() : null);

/** The request body, the same for creating and for saving (a save sends every setting). */
export function toRequest(values: WebFormValues) {
  const redirect = values.afterSubmit === 'redirect';
  return {
    name: values.name.trim(),
    title: orNull(values.title),
    intro: orNull(values.intro),
    fields: values.fields.map((f) => ({ key: f.key, label: f.label.trim(), required: f.required, placeholder: orNull(f.placeholder) })),
    consentText: orNull(values.consentText),
    submitLabel: orNull(values.submitLabel),
    successMessage: redirect ? null : orNull(values.successMessage),
    redirectUrl: redirect ? orNull(values.redirectUrl) : null,
    source: orNull(values.source),
    campaign: orNull(values.campaign),
    tags: values.tags,
    stageId: values.stageId,
    active: values.active,
    allowedOrigins: values.allowedOrigins.map((o) => o.trim()).filter(Boolean),
    minSecondsToSubmit: typeof values.minSecondsToSubmit === 'number' ? values.minSecondsToSubmit : Number(values.minSecondsToSubmit || 0),
  };
}

/** The contract's own messages for web forms, as translation keys. */
const MESSAGES: Record<string, string> = {
  'This field is already on the form': 'webForms.validation.duplicate',
  'Ask for the full name or for first and last names, not both': 'webForms.validation.nameTwice',
  'Ask for a name, an email, a phone or a company': 'webForms.validation.identity',
  'Add at least one field': 'webForms.validation.noFields',
  'Use an origin like https://www.example.com (no path)': 'webForms.validation.origin',
  'Choose a lead field or a custom field': 'webForms.validation.fieldKey',
  'No such custom field': 'webForms.validation.fieldKey',
  'A web form cannot ask for this type of field': 'webForms.validation.fieldType',
  'No such stage': 'webForms.validation.stage',
};

export function translateWebFormMessage(message: string, t: TFunction): string | null {
  const key = MESSAGES[message];
  return key ? t(key as never) : null;
}

/** Validates with the shared contract; messages specific to web forms get their own translation. */
export function validateWebForm(values: WebFormValues, t: TFunction): FormErrors {
  const errors = zodResolver(createWebFormRequest, toRequest)(values);
  const result = createWebFormRequest.safeParse(toRequest(values));
  if (!result.success) {
    for (const issue of result.error.issues) {
      const translated = translateWebFormMessage(issue.message, t);
      if (translated) errors[issue.path.map(String).join('.')] = translated;
    }
  }
  if (values.afterSubmit === 'redirect' && !values.redirectUrl.trim()) errors.redirectUrl = t('validation.required');
  // Tag inputs are one input each: their items' errors show on the input.
  for (const list of ['allowedOrigins', 'tags']) {
    const first = Object.keys(errors).find((k) => k.startsWith(`${list}.`));
    if (first && !errors[list]) errors[list] = errors[first];
  }
  return errors;
}
