import { Button, Group, Loader, Modal, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { useLostReasons } from '../api/get-lost-reasons';

type LostReasonModalProps = {
  leadName: string;
  stageName: string;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
};

/** Moving a card to a lost stage asks why: one of the workspace's reasons, or free text when it has none. */
export function LostReasonModal({ leadName, stageName, onConfirm, onCancel }: LostReasonModalProps) {
  const { t } = useTranslation();
  const reasons = useLostReasons();
  const [choice, setChoice] = useState<string>('');
  const [text, setText] = useState('');
  const list = reasons.data?.reasons ?? [];
  const freeText = reasons.isSuccess && list.length === 0;
  const reason = freeText ? text.trim() : choice;

  return (
    <Modal opened onClose={onCancel} title={t('board.lost.title', { name: leadName })} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (reason) onConfirm(reason);
        }}
      >
        <Stack gap="sm">
          <Text size="sm">{t('board.lost.message', { stage: stageName })}</Text>
          {reasons.isPending ? (
            <Loader size="sm" />
          ) : reasons.isError ? (
            <QueryError error={reasons.error} onRetry={() => void reasons.refetch()} />
          ) : freeText ? (
            <Textarea label={t('board.lost.reason')} value={text} onChange={(event) => setText(event.currentTarget.value)} maxLength={200} autosize minRows={2} data-autofocus />
          ) : (
            <Radio.Group label={t('board.lost.reason')} value={choice} onChange={setChoice} name="lost-reason">
              <Stack gap={6} mt={6}>
                {list.map((item) => (
                  <Radio key={item.id} value={item.name} label={item.name} />
                ))}
              </Stack>
            </Radio.Group>
          )}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" disabled={!reason} data-testid="confirm-lost">
              {t('board.lost.confirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
