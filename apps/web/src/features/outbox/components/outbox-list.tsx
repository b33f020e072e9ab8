import type { outboxMessage } from '@leadflow/shared/workspace';
import { Anchor, Box, Button, Modal, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { LoadingScreen } from '@/components/loading-screen';
import { QueryError } from '@/components/query-error';
import { formatDateTime } from '@/lib/format';
import { useOutbox } from '../api/get-outbox';

type OutboxMessage = z.infer<typeof outboxMessage>;

const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

/** Mail text with its links clickable, so a reset or invitation link can be followed in development. */
function MailText({ text }: { text: string }) {
  const parts = text.split(URL_PATTERN);
  return (
    <Box
      component="pre"
      data-testid="outbox-text"
      style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontFamily: 'var(--mantine-font-family-monospace)' }}
      fz="sm"
      m={0}
    >
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          <Anchor key={index} href={part} fz="sm">
            {part}
          </Anchor>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </Box>
  );
}

export function OutboxList() {
  const { t } = useTranslation();
  const outbox = useOutbox();
  const [open, setOpen] = useState<OutboxMessage | null>(null);

  if (outbox.isPending) return <LoadingScreen />;
  if (outbox.isError) return <QueryError error={outbox.error} onRetry={() => void outbox.refetch()} />;

  return (
    <Stack>
      <Button
        variant="default"
        leftSection={<IconRefresh size={16} />}
        onClick={() => void outbox.refetch()}
        loading={outbox.isFetching}
        style={{ alignSelf: 'flex-end' }}
      >
        {t('common.refresh')}
      </Button>
      {outbox.data.messages.length === 0 ? (
        <Text c="dimmed">{t('outbox.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('outbox.subject')}</Table.Th>
                <Table.Th>{t('outbox.to')}</Table.Th>
                <Table.Th>{t('outbox.sentAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {outbox.data.messages.map((message) => (
                <Table.Tr key={message.id}>
                  <Table.Td>
                    <UnstyledButton onClick={() => setOpen(message)} fw={500} fz="sm" c="blue">
                      {message.subject}
                    </UnstyledButton>
                  </Table.Td>
                  <Table.Td>{message.to}</Table.Td>
                  <Table.Td>{formatDateTime(message.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={open?.subject} size="lg">
        {open ? (
          <Stack gap="xs">
            <Text size="sm">
              <strong>{t('outbox.to')}:</strong> {open.to}
            </Text>
            <Text size="sm" c="dimmed">
              {formatDateTime(open.createdAt)}
            </Text>
            <MailText text={open.text} />
          </Stack>
        ) : null}
      </Modal>
    </Stack>
  );
}
