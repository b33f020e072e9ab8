import { Alert, Button, FileInput, Stack, Text, TextInput } from '@mantine/core';
import { IconFileSpreadsheet, IconUpload } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@/lib/api-client';
import { errorMessage } from '@/lib/errors';
import { useUploadImport } from '../api/imports';

const isXlsx = (file: File | null) => Boolean(file && /\.xlsx$/i.test(file.name));

/** Step 1: the file (CSV or XLSX, and for XLSX the worksheet). The server reads it and suggests a mapping. */
export function UploadStep() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const upload = useUploadImport();
  const [file, setFile] = useState<File | null>(null);
  const [sheet, setSheet] = useState('');

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) return;
    upload.mutate(
      { file, sheet: isXlsx(file) ? sheet : undefined },
      { onSuccess: (created) => void navigate({ to: '/imports/$importId', params: { importId: created.id } }) },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={560}>
        <Text size="sm" c="dimmed">
          {t('imports.upload.hint')}
        </Text>
        <FileInput
          label={t('imports.upload.file')}
          placeholder={t('imports.upload.placeholder')}
          accept=".csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          leftSection={<IconFileSpreadsheet size={16} />}
          value={file}
          onChange={(value) => {
            setFile(value);
            upload.reset();
          }}
          clearable
        />
        {isXlsx(file) ? (
          <TextInput
            label={t('imports.upload.sheet')}
            description={t('imports.upload.sheetHint')}
            value={sheet}
            onChange={(event) => setSheet(event.currentTarget.value)}
          />
        ) : null}
        {upload.isError ? (
          <Alert color="red" title={t('imports.upload.failed')} role="alert">
            {/* The server names what is wrong with the file (row and column); other errors get the usual text. */}
            {upload.error instanceof ApiError && upload.error.field === 'file' ? upload.error.message : errorMessage(upload.error)}
          </Alert>
        ) : null}
        <div>
          <Button type="submit" leftSection={<IconUpload size={16} />} disabled={!file} loading={upload.isPending}>
            {t('imports.upload.submit')}
          </Button>
        </div>
      </Stack>
    </form>
  );
}
