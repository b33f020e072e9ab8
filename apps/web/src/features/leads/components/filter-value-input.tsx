import type { FilterOperator } from '@leadflow/shared/leads';
import { Group, MultiSelect, NumberInput, SegmentedControl, Select, TagsInput, TextInput } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '@/lib/i18n';
import { referenceOptions, stageOptions, useLeadReferences } from '../hooks/use-lead-references';
import { countryOptions } from '../utils/countries';
import { NONE_VALUE } from '../utils/filters';
import { languageSelectOptions } from '../utils/languages';
import type { LeadField } from '../utils/lead-fields';
import { NO_VALUE_OPERATORS, standardOptions } from '../utils/lead-fields';

type FilterValueInputProps = {
  field: LeadField;
  op: FilterOperator;
  value: unknown;
  onChange: (value: unknown) => void;
};

// Dropdowns inside the filter popover stay inside it, or a click on an option would close the popover.
const inPopover = { withinPortal: false } as const;

const asString = (value: unknown): string => (typeof value === 'string' ? value : '');
const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const asNumber = (value: unknown): number | string => (typeof value === 'number' ? value : '');
const toNumber = (value: number | string): number | undefined => (typeof value === 'number' ? value : undefined);
const asPair = (value: unknown): [unknown, unknown] => (Array.isArray(value) && value.length === 2 ? [value[0], value[1]] : [undefined, undefined]);

/** The value part of a filter, shaped by the field's type and the operator. */
export function FilterValueInput({ field, op, value, onChange }: FilterValueInputProps) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const language = currentLanguage();
  const countries = useMemo(() => countryOptions(language), [language]);
  const label = t('leads.filters.value');
  const isList = op === 'in' || op === 'not_in';

  if (NO_VALUE_OPERATORS.has(op)) return null;

  if (op === 'last_days' || op === 'next_days') {
    return (
      <NumberInput
        label={t('leads.filters.dayCount')}
        min={1}
        max={3650}
        allowDecimal={false}
        value={asNumber(value)}
        onChange={(v) => onChange(toNumber(v))}
      />
    );
  }

  switch (field.kind) {
    case 'number': {
      if (op === 'between') {
        const [from, to] = asPair(value);
        return (
          <Group grow gap="xs">
            <NumberInput label={t('leads.filters.from')} value={asNumber(from)} onChange={(v) => onChange([toNumber(v), to])} />
            <NumberInput label={t('leads.filters.to')} value={asNumber(to)} onChange={(v) => onChange([from, toNumber(v)])} />
          </Group>
        );
      }
      return <NumberInput label={label} value={asNumber(value)} onChange={(v) => onChange(toNumber(v))} />;
    }
    case 'instant':
    case 'date': {
      if (op === 'between') {
        const [from, to] = asPair(value);
        return (
          <Group grow gap="xs">
            <TextInput
              type="date"
              label={t('leads.filters.from')}
              value={asString(from)}
              onChange={(event) => onChange([event.currentTarget.value, to])}
            />
            <TextInput
              type="date"
              label={t('leads.filters.to')}
              value={asString(to)}
              onChange={(event) => onChange([from, event.currentTarget.value])}
            />
          </Group>
        );
      }
      return <TextInput type="date" label={t('leads.filters.date')} value={asString(value)} onChange={(event) => onChange(event.currentTarget.value)} />;
    }
    case 'boolean':
      return (
        <SegmentedControl
          aria-label={label}
          fullWidth
          value={value === true ? 'yes' : value === false ? 'no' : ''}
          onChange={(v) => onChange(v === 'yes')}
          data={[
            { value: 'yes', label: t('leads.values.yes') },
            { value: 'no', label: t('leads.values.no') },
          ]}
        />
      );
    case 'member': {
      const data = [
        { value: 'me', label: t('leads.filters.me') },
        { value: NONE_VALUE, label: t('leads.values.unassigned') },
        ...references.members
          .filter((member) => member.id !== references.me.id)
          .map((member) => ({ value: member.id, label: member.name })),
      ];
      return isList ? (
        <MultiSelect label={label} data={data} value={asStrings(value)} onChange={onChange} searchable comboboxProps={inPopover} />
      ) : (
        <Select label={label} data={data} value={asString(value) || null} onChange={onChange} searchable comboboxProps={inPopover} />
      );
    }
    case 'reference': {
      const none = { value: NONE_VALUE, label: t('leads.filters.none') };
      const data =
        field.id === 'stageId'
          ? [{ group: t('leads.filters.noneGroup'), items: [none] }, ...stageOptions(references)]
          : [none, ...referenceOptions(references, field.id)];
      return isList ? (
        <MultiSelect label={label} data={data} value={asStrings(value)} onChange={onChange} searchable comboboxProps={inPopover} />
      ) : (
        <Select label={label} data={data} value={asString(value) || null} onChange={onChange} searchable comboboxProps={inPopover} />
      );
    }
    case 'select':
    case 'multi_select': {
      const data = field.custom ? field.custom.options.map((option) => ({ value: option.value, label: option.label })) : standardOptions(field.id);
      return isList || field.kind === 'multi_select' ? (
        <MultiSelect label={label} data={data} value={asStrings(value)} onChange={onChange} searchable comboboxProps={inPopover} />
      ) : (
        <Select label={label} data={data} value={asString(value) || null} onChange={onChange} searchable comboboxProps={inPopover} />
      );
    }
    case 'language': {
      // The value already chosen stays an option, so a filter on a tag the list lacks still reads by its name.
      const data = languageSelectOptions(language, isList ? asStrings(value) : [asString(value)]);
      return isList ? (
        <MultiSelect label={label} data={data} value={asStrings(value)} onChange={onChange} searchable comboboxProps={inPopover} />
      ) : (
        <Select label={label} data={data} value={asString(value) || null} onChange={onChange} searchable comboboxProps={inPopover} />
      );
    }
    case 'tags':
      return <TagsInput label={label} value={asStrings(value)} onChange={onChange} comboboxProps={inPopover} />;
    default:
      if (field.id === 'country') {
        return isList ? (
          <MultiSelect label={label} data={countries} value={asStrings(value)} onChange={onChange} searchable comboboxProps={inPopover} />
        ) : (
          <Select label={label} data={countries} value={asString(value) || null} onChange={onChange} searchable comboboxProps={inPopover} />
        );
      }
      return isList ? (
        <TagsInput label={label} description={t('leads.filters.listHint')} value={asStrings(value)} onChange={onChange} comboboxProps={inPopover} />
      ) : (
        <TextInput label={label} value={asString(value)} onChange={(event) => onChange(event.currentTarget.value)} />
      );
  }
}
