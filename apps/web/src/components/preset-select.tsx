import { PRESET_KEYS, type PresetKey } from '@leadflow/shared/presets';
import type { SelectProps } from '@mantine/core';
import { Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The industry preset a new workspace starts from (names come from the translations: the set-up page has no session). */
export function PresetSelect(props: Omit<SelectProps, 'data'>) {
  const { t } = useTranslation();
  const data = PRESET_KEYS.map((key: PresetKey) => ({ value: key, label: t(`presets.names.${key}`) }));
  return <Select allowDeselect={false} description={t('presets.fieldHint')} {...props} data={data} />;
}
