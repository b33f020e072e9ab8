import type { CustomField } from '@leadflow/shared/leads';
import { MultiSelect, NumberInput, Select, Switch, Textarea, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import type { MemberOption } from '../hooks/use-lead-references';

/** What Mantine's form gives an input: value or checked, onChange, error, focus handlers. */
export type FieldInputProps = {
  value?: unknown;
  checked?: boolean;
  error?: ReactNode;
  onChange: (value: unknown) => void;
  onFocus?: () => void;
  onBlur?: () => void;
};

type CustomFieldInputProps = {
  field: CustomField;
  input: FieldInputProps;
  members: MemberOption[];
  currency: string;
};

const asString = (value: unknown): string => (typeof value === 'string' ? value : '');
const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const asNumber = (value: unknown): number | string => (typeof value === 'number' ? value : '');

/** The input for one custom field, by its type; required marks and help text come from its definition. */
export function CustomFieldInput({ field, input, members, currency }: CustomFieldInputProps) {
  const common = {
    label: field.label,
    description: field.helpText ?? undefined,
    required: field.required,
    error: input.error,
    onFocus: input.onFocus,
    onBlur: input.onBlur,
  };
  const options = field.options.map((option) => ({ value: option.value, label: option.label }));
  switch (field.type) {
    case 'long_text':
      return <Textarea {...common} autosize minRows={2} maxRows={8} value={asString(input.value)} onChange={(event) => input.onChange(event.currentTarget.value)} />;
    case 'number':
      return <NumberInput {...common} value={asNumber(input.value)} onChange={input.onChange} />;
    case 'money':
      return (
        <NumberInput
          {...common}
          value={asNumber(input.value)}
          onChange={input.onChange}
          decimalScale={2}
          leftSection={currency}
          leftSectionWidth={currency.length * 9 + 16}
        />
      );
    case 'date':
      return <TextInput {...common} type="date" value={asString(input.value)} onChange={(event) => input.onChange(event.currentTarget.value)} />;
    case 'datetime':
      return (
        <TextInput {...common} type="datetime-local" value={asString(input.value)} onChange={(event) => input.onChange(event.currentTarget.value)} />
      );
    case 'boolean':
      return (
        <Switch
          label={field.label}
          description={field.helpText ?? undefined}
          error={input.error}
          checked={input.checked ?? input.value === true}
          onChange={(event) => input.onChange(event.currentTarget.checked)}
          mt="md"
        />
      );
    case 'select':
      return <Select {...common} data={options} value={asString(input.value) || null} onChange={input.onChange} searchable clearable />;
    case 'multi_select':
      return <MultiSelect {...common} data={options} value={asStrings(input.value)} onChange={input.onChange} searchable clearable />;
    case 'user':
      return (
        <Select
          {...common}
          data={members.map((member) => ({ value: member.id, label: member.name }))}
          value={asString(input.value) || null}
          onChange={input.onChange}
          searchable
          clearable
        />
      );
    case 'phone':
      return <TextInput {...common} type="tel" value={asString(input.value)} onChange={(event) => input.onChange(event.currentTarget.value)} />;
    case 'email':
      return <TextInput {...common} type="email" value={asString(input.value)} onChange={(event) => input.onChange(event.currentTarget.value)} />;
    case 'url':
      return (
        <TextInput {...common} type="url" placeholder="https://" value={asString(input.value)} onChange={(event) => input.onChange(event.currentTarget.value)} />
      );
    default:
      return <TextInput {...common} value={asString(input.value)} onChange={(event) => input.onChange(event.currentTarget.value)} />;
  }
}
