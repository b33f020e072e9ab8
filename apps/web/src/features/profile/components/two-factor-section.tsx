import { twoFactorDisableRequest, twoFactorEnableRequest } from '@leadflow/shared/auth';
import { Badge, Button, Code, Divider, Group, Image, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { QRCodeSVG } from 'qrcode.react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '@/components/password-field';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useDisableTwoFactor } from '../api/disable-two-factor';
import { useEnableTwoFactor } from '../api/enable-two-factor';
import { useRegenerateRecoveryCodes } from '../api/regenerate-recovery-codes';
import { useSetupTwoFactor } from '../api/setup-two-factor';
import { RecoveryCodes } from './recovery-codes';

export function TwoFactorSection({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const setup = useSetupTwoFactor();

  if (recoveryCodes) {
    return <RecoveryCodes codes={recoveryCodes} onDone={() => setRecoveryCodes(null)} />;
  }

  if (!enabled && setup.data) {
    return (
      <EnableTwoFactor
        secret={setup.data.secret}
        otpauthUrl={setup.data.otpauthUrl}
        qrDataUrl={setup.data.qrDataUrl}
        onEnabled={(codes) => {
          setup.reset();
          setRecoveryCodes(codes);
        }}
        onCancel={() => setup.reset()}
      />
    );
  }

  if (!enabled) {
    return (
      <Stack align="flex-start">
        <Badge color="gray">{t('profile.twoFactor.off')}</Badge>
        <Text size="sm">{t('profile.twoFactor.intro')}</Text>
        <Button loading={setup.isPending} onClick={() => setup.mutate(undefined, { onError: notifyError })}>
          {t('profile.twoFactor.setUp')}
        </Button>
      </Stack>
    );
  }

  return (
    <Stack>
      <Group>
        <Badge color="teal">{t('profile.twoFactor.on')}</Badge>
      </Group>
      <RegenerateCodes onRegenerated={setRecoveryCodes} />
      <Divider />
      <DisableTwoFactor />
    </Stack>
  );
}

type EnableProps = {
  secret: string;
  otpauthUrl: string;
  qrDataUrl: string;
  onEnabled: (codes: string[]) => void;
  onCancel: () => void;
};

function EnableTwoFactor({ secret, otpauthUrl, qrDataUrl, onEnabled, onCancel }: EnableProps) {
  const { t } = useTranslation();
  const enable = useEnableTwoFactor();
  const form = useForm({ initialValues: { code: '' }, validate: zodResolver(twoFactorEnableRequest) });

  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) =>
        enable.mutate(values, {
          onSuccess: (result) => {
            notifySuccess(t('profile.twoFactor.enabled'));
            onEnabled(result.recoveryCodes);
          },
          onError: (error) => applyFormErrors(form, error),
        }),
      )}
    >
      <Stack>
        <Text size="sm">{t('profile.twoFactor.scan')}</Text>
        {qrDataUrl ? (
          <Image src={qrDataUrl} alt={t('profile.twoFactor.qrAlt')} w={200} h={200} fit="contain" bg="white" p={4} />
        ) : (
          <QRCodeSVG value={otpauthUrl} size={200} marginSize={2} title={t('profile.twoFactor.qrAlt')} />
        )}
        <Text size="sm">{t('profile.twoFactor.manual')}</Text>
        <Code block fz="sm" style={{ wordBreak: 'break-all' }} data-testid="two-factor-secret">
          {secret}
        </Code>
        <TextInput
          label={t('profile.twoFactor.code')}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          required
          {...form.getInputProps('code')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={enable.isPending}>
            {t('profile.twoFactor.enable')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RegenerateCodes({ onRegenerated }: { onRegenerated: (codes: string[]) => void }) {
  const { t } = useTranslation();
  const regenerate = useRegenerateRecoveryCodes();
  const form = useForm({ initialValues: { code: '' }, validate: zodResolver(twoFactorEnableRequest) });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) =>
        regenerate.mutate(values, {
          onSuccess: (result) => {
            form.reset();
            onRegenerated(result.recoveryCodes);
          },
          onError: (error) => applyFormErrors(form, error),
        }),
      )}
    >
      <Stack gap="xs">
        <Text fw={500}>{t('profile.twoFactor.regenerateTitle')}</Text>
        <Text size="sm" c="dimmed">
          {t('profile.twoFactor.regenerateHelp')}
        </Text>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t('profile.twoFactor.currentCode')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            style={{ flex: '1 1 10rem' }}
            {...form.getInputProps('code')}
          />
          <Button type="submit" variant="default" loading={regenerate.isPending}>
            {t('profile.twoFactor.regenerate')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DisableTwoFactor() {
  const { t } = useTranslation();
  const disable = useDisableTwoFactor();
  const form = useForm({ initialValues: { password: '' }, validate: zodResolver(twoFactorDisableRequest) });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) =>
        disable.mutate(values, {
          onSuccess: () => {
            form.reset();
            notifySuccess(t('profile.twoFactor.disabled'));
          },
          onError: (error) => applyFormErrors(form, error),
        }),
      )}
    >
      <Stack gap="xs">
        <Text fw={500}>{t('profile.twoFactor.disableTitle')}</Text>
        <Group align="flex-end" wrap="wrap">
          <PasswordField
            label={t('profile.twoFactor.confirmPassword')}
            autoComplete="current-password"
            style={{ flex: '1 1 10rem' }}
            {...form.getInputProps('password')}
          />
          <Button type="submit" color="red" variant="light" loading={disable.isPending}>
            {t('profile.twoFactor.disable')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
