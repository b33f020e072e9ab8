import { Button, Card, Group } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@/lib/api-client';
import { translateMessage } from '@/lib/errors';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useAddNote } from '../api/add-note';
import { NoteEditor } from './note-editor';

export function NoteComposer({ leadId }: { leadId: string }) {
  const { t } = useTranslation();
  const addNote = useAddNote();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = () => {
    if (!body.trim()) {
      setError(t('leads.notes.empty'));
      return;
    }
    setError(null);
    addNote.mutate(
      { leadId, body },
      {
        onSuccess: () => {
          setBody('');
          notifySuccess(t('leads.notes.added'));
        },
        onError: (err) => {
          const issue = err instanceof ApiError ? (err.issues.find((i) => i.field === 'body') ?? null) : null;
          if (issue) setError(translateMessage(issue.message) ?? issue.message);
          else notifyError(err);
        },
      },
    );
  };

  return (
    <Card withBorder padding="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
        noValidate
      >
        <NoteEditor label={t('leads.notes.label')} value={body} onChange={setBody} onSubmit={submit} error={error} />
        <Group justify="flex-end" mt="xs">
          <Button type="submit" loading={addNote.isPending}>
            {t('leads.notes.add')}
          </Button>
        </Group>
      </form>
    </Card>
  );
}
