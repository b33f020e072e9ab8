import type { SelectProps } from '@mantine/core';
import { Select } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '@/lib/i18n';
import { languageSelectOptions } from '../utils/languages';

/**
 * A searchable select of languages by their name in the user's language; the value is the BCP 47 tag. A value the
 * list lacks (a tag written by an import or a form) is kept as an option, so it shows by its name.
 */
export function LanguageSelect(props: Omit<SelectProps, 'data'>) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { value } = props;
  const data = useMemo(() => languageSelectOptions(language, [value]), [language, value]);
  return <Select searchable clearable limit={300} nothingFoundMessage={t('common.nothingFound')} {...props} data={data} />;
}
