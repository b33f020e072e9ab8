import { ActionIcon, Button, Menu } from '@mantine/core';
import { IconDownload, IconFileSpreadsheet, IconFileText } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { leadExportUrl } from '../api/export-leads';
import type { LeadListQuery } from '../api/get-leads';

type ExportMenuProps = {
  query: LeadListQuery;
  columns: string[];
  compact: boolean;
};

/** Downloads every lead of the current filter with the current columns; the browser streams the file. */
export function ExportMenu({ query, columns, compact }: ExportMenuProps) {
  const { t } = useTranslation();
  const label = t('leads.export.button');
  return (
    <Menu position="bottom-end" shadow="md">
      <Menu.Target>
        {compact ? (
          <ActionIcon variant="default" size="lg" aria-label={label}>
            <IconDownload size={18} />
          </ActionIcon>
        ) : (
          <Button variant="default" leftSection={<IconDownload size={16} />}>
            {label}
          </Button>
        )}
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('leads.export.hint')}</Menu.Label>
        <Menu.Item
          component="a"
          href={leadExportUrl(query, columns, 'csv')}
          download
          leftSection={<IconFileText size={16} />}
        >
          {t('leads.export.csv')}
        </Menu.Item>
        <Menu.Item
          component="a"
          href={leadExportUrl(query, columns, 'xlsx')}
          download
          leftSection={<IconFileSpreadsheet size={16} />}
        >
          {t('leads.export.xlsx')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
