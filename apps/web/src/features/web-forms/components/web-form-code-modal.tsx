import type { WebForm } from '@leadflow/shared/web-forms';
import { Anchor, Button, CopyButton, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconExternalLink } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { CopyableValue } from '@/components/copyable-value';

function Snippet({ label, description, value }: { label: string; description: string; value: string }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <Textarea label={label} description={description} value={value} readOnly autosize minRows={2} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }} onFocus={(e) => e.currentTarget.select()} />
      <Group justify="flex-end">
        <CopyButton value={value} timeout={1500}>
          {({ copied, copy }) => (
            <Button size="compact-sm" variant={copied ? 'light' : 'default'} color={copied ? 'teal' : undefined} onClick={copy} aria-label={t('webForms.code.copyLabel', { what: label })}>
              {copied ? t('common.copied') : t('common.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

/** Where the form lives and how to put it on a site: the hosted link and the two embed snippets. */
export function WebFormCodeModal({ form, onClose }: { form: WebForm; onClose: () => void }) {
  const { t } = useTranslation();
  const isPhone = useMediaQuery('(max-width: 36em)');
  return (
    <Modal opened onClose={onClose} title={t('webForms.code.title', { name: form.name })} size="lg" fullScreen={isPhone}>
      <Stack>
        {!form.active ? (
          <Text size="sm" c="orange">
            {t('webForms.code.inactive')}
          </Text>
        ) : null}
        <CopyableValue label={t('webForms.code.hostedLink')} description={t('webForms.code.hostedLinkHint')} value={form.hostedUrl} />
        <Anchor href={form.hostedUrl} target="_blank" rel="noopener" size="sm">
          <Group gap={4} wrap="nowrap">
            {t('webForms.code.open')}
            <IconExternalLink size={14} aria-hidden />
          </Group>
        </Anchor>
        <Snippet label={t('webForms.code.script')} description={t('webForms.code.scriptHint')} value={form.embed.script} />
        <Snippet label={t('webForms.code.iframe')} description={t('webForms.code.iframeHint')} value={form.embed.iframe} />
        <Group justify="flex-end">
          <Button onClick={onClose}>{t('common.done')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
