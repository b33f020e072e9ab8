import type { SelectProps } from '@mantine/core';
import { Select } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { allTimeZones } from '@/lib/format';

/** A searchable select of every IANA time zone the browser knows. */
export function TimeZoneSelect(props: Omit<SelectProps, 'data'>) {
  const { t } = useTranslation();
  const data = useMemo(() => allTimeZones(), []);
  return (
    <Select
      searchable
      limit={100}
      nothingFoundMessage={t('common.nothingFound')}
      allowDeselect={false}
      {...props}
      data={data}
    />
  );
}
