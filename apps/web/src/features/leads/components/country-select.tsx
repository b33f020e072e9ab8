import type { SelectProps } from '@mantine/core';
import { Select } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '@/lib/i18n';
import { countryOptions } from '../utils/countries';

/** A searchable select of countries by their name in the user's language; the value is the ISO code. */
export function CountrySelect(props: Omit<SelectProps, 'data'>) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const data = useMemo(() => countryOptions(language), [language]);
  return <Select searchable clearable limit={300} nothingFoundMessage={t('common.nothingFound')} {...props} data={data} />;
}
