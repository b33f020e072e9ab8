import type { Locale } from '@leadflow/shared/fields';
import { LOCALES } from '@leadflow/shared/fields';
import { ActionIcon, Menu } from '@mantine/core';
import { IconCheck, IconLanguage } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage, LANGUAGE_NAMES } from '@/lib/i18n';

type LanguageMenuProps = {
  /** Called with the chosen language, for example to save it in the profile. */
  onChange?: (locale: Locale) => void;
};

export function LanguageMenu({ onChange }: LanguageMenuProps) {
  const { t } = useTranslation();
  const active = currentLanguage();

  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="default" size="lg" aria-label={t('language.label')} data-testid="language-menu">
          <IconLanguage size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('language.label')}</Menu.Label>
        {LOCALES.map((locale) => (
          <Menu.Item
            key={locale}
            lang={locale}
            rightSection={locale === active ? <IconCheck size={14} /> : null}
            onClick={() => {
              void changeLanguage(locale);
              onChange?.(locale);
            }}
          >
            {LANGUAGE_NAMES[locale]}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
