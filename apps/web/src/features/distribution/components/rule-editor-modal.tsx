import { distributionRuleInput } from '@leadflow/shared/distribution';
import { Alert, Button, Group, Modal, NumberInput, Radio, Select, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useLeadReferences } from '@/features/leads/hooks/use-lead-references';
import { applyFormErrors, zodResolver } from '@/lib/form';
import { notifySuccess } from '@/lib/notify';
import type { DistributionRule } from '../api/distribution';
import { useCreateRule, useUpdateRule } from '../api/distribution';
import type { RuleValues } from '../utils/rule-form';
import { evenWeights, isStrategy, ruleToValues, valuesToRequest, weightTotal } from '../utils/rule-form';
import { DISTRIBUTION_STRATEGIES } from '@leadflow/shared/distribution';
import { ConditionsEditor } from './conditions-editor';
import { GroupEditor } from './group-editor';
import { GroupHoursEditor } from './group-hours-editor';

type RuleEditorModalProps = {
  /** The rule to change; null adds a rule at the end of the list. */
  rule: DistributionRule | null;
  rules: DistributionRule[];
  onClose: () => void;
};

/** Errors of a list field by index: `members.2.userId` → { 2: message }. */
function indexedErrors(errors: Record<string, unknown>, prefix: string): Record<number, string> {
  const out: Record<number, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const match = new RegExp(`^${prefix}\\.(\\d+)(\\.|$)`).exec(path);
    if (match && typeof message === 'string' && !(Number(match[1]) in out)) out[Number(match[1])] = message;
  }
  return out;
}

/** Name, conditions, group and strategy, caps and fallback of a distribution rule. */
export function RuleEditorModal({ rule, rules, onClose }: RuleEditorModalProps) {
  const { t } = useTranslation();
  const references = useLeadReferences();
  const phone = useMediaQuery('(max-width: 36em)');
  const createRule = useCreateRule();
  const updateRule = useUpdateRule();
  const schemaErrors = zodResolver<RuleValues>(distributionRuleInput, valuesToRequest);
  const form = useForm<RuleValues>({
    initialValues: ruleToValues(rule, rules),
    validate: (values) => {
      const errors = schemaErrors(values);
      if (values.strategy === 'weighted' && values.members.length > 0 && weightTotal(values.members) !== 100 && !errors.members) {
        errors.members = t('distribution.editor.weightsMustAddUp', { total: weightTotal(values.members) });
      }
      if (values.strategy !== 'manual' && values.members.length === 0 && !errors.members) errors.members = t('distribution.editor.groupEmpty');
      if (values.fallback === 'user' && !values.fallbackUserId) errors.fallbackUserId = t('distribution.editor.fallbackUserRequired');
      for (const [day, ranges] of Object.entries(values.workingHours ?? {})) {
        ranges.forEach((r, i) => {
          if (r.start && r.end && r.end <= r.start) errors[`workingHours.${day}.${i}.end`] = t('distribution.availability.endBeforeStart');
        });
      }
      return errors;
    },
  });
  const values = form.values;
  const memberOptions = references.members;
  const weighted = values.strategy === 'weighted';

  const submit = form.onSubmit((v) => {
    const body = valuesToRequest(v);
    const callbacks = {
      onSuccess: () => {
        notifySuccess(rule ? t('distribution.ruleSaved', { name: body.name }) : t('distribution.ruleAdded', { name: body.name }));
        onClose();
      },
      onError: (error: unknown) => applyFormErrors(form, error),
    };
    if (rule) updateRule.mutate({ ruleId: rule.id, ...body }, callbacks);
    else createRule.mutate(body, callbacks);
  });

  const errors = form.errors as Record<string, string | undefined>;
  const memberErrors = indexedErrors(form.errors, 'members');

  return (
    <Modal
      opened
      onClose={onClose}
      title={rule ? t('distribution.editor.editTitle', { name: rule.name }) : t('distribution.editor.addTitle')}
      size="lg"
      fullScreen={phone}
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {errors.priority ? <Alert color="red">{errors.priority}</Alert> : null}
          <TextInput label={t('distribution.editor.name')} required data-autofocus maxLength={120} {...form.getInputProps('name')} />
          <Switch label={t('distribution.editor.enabled')} {...form.getInputProps('enabled', { type: 'checkbox' })} />
          <ConditionsEditor
            value={values.conditions}
            onChange={(next) => {
              form.setFieldValue('conditions', next);
              form.clearFieldError('conditions');
              for (const key of Object.keys(form.errors)) if (key.startsWith('conditions.')) form.clearFieldError(key);
            }}
            errors={indexedErrors(form.errors, 'conditions')}
            error={errors.conditions}
          />
          <Select
            label={t('distribution.editor.strategy')}
            description={t(`distribution.strategyHints.${values.strategy}`)}
            data={DISTRIBUTION_STRATEGIES.map((s) => ({ value: s, label: t(`distribution.strategies.${s}`) }))}
            allowDeselect={false}
            value={values.strategy}
            onChange={(next) => {
              if (!isStrategy(next)) return;
              form.setFieldValue('strategy', next);
              // Weighted starts from an even split unless the weights already add up.
              if (next === 'weighted' && weightTotal(values.members) !== 100) {
                const even = evenWeights(values.members.length);
                form.setFieldValue('members', values.members.map((m, i) => ({ ...m, weight: even[i] ?? 0 })));
              }
              form.clearFieldError('members');
            }}
            error={errors.strategy}
          />
          {values.strategy === 'least_loaded' ? (
            <Radio.Group label={t('distribution.editor.loadMeasure')} {...form.getInputProps('loadMeasure')}>
              <Stack gap={6} mt={6}>
                <Radio value="open_leads" label={t('distribution.loadMeasures.open_leads')} />
                <Radio value="received_today" label={t('distribution.loadMeasures.received_today')} />
              </Stack>
            </Radio.Group>
          ) : null}
          {values.strategy !== 'manual' ? (
            <GroupEditor
              members={values.members}
              onChange={(next) => {
                form.setFieldValue('members', next);
                for (const key of Object.keys(form.errors)) if (key === 'members' || key.startsWith('members.')) form.clearFieldError(key);
              }}
              options={memberOptions}
              weighted={weighted}
              error={errors.members}
              rowErrors={memberErrors}
            />
          ) : null}
          {values.strategy !== 'manual' ? (
            <GroupHoursEditor
              value={values.workingHours}
              onChange={(next) => {
                form.setFieldValue('workingHours', next);
                for (const key of Object.keys(form.errors)) if (key.startsWith('workingHours')) form.clearFieldError(key);
              }}
              errors={Object.fromEntries(
                Object.entries(form.errors)
                  .filter(([key]) => key.startsWith('workingHours.'))
                  .map(([key, message]) => [key.slice('workingHours.'.length), String(message)]),
              )}
            />
          ) : null}
          {values.strategy !== 'manual' ? (
            <SimpleGrid cols={{ base: 1, xs: 2 }}>
              <NumberInput
                label={t('distribution.editor.dailyCap')}
                description={t('distribution.editor.capHint')}
                placeholder={t('distribution.editor.noCap')}
                min={0}
                allowDecimal={false}
                allowNegative
                {...form.getInputProps('dailyCap')}
              />
              <NumberInput
                label={t('distribution.editor.weeklyCap')}
                description={t('distribution.editor.capHint')}
                placeholder={t('distribution.editor.noCap')}
                min={0}
                allowDecimal={false}
                allowNegative
                {...form.getInputProps('weeklyCap')}
              />
            </SimpleGrid>
          ) : null}
          {values.strategy !== 'manual' ? (
            <Radio.Group label={t('distribution.editor.fallback')} description={t('distribution.editor.fallbackHint')} {...form.getInputProps('fallback')}>
              <Stack gap={6} mt={6}>
                <Radio value="next_rule" label={t('distribution.fallbacks.next_rule')} />
                <Radio value="user" label={t('distribution.fallbacks.user')} />
                <Radio value="unassigned" label={t('distribution.fallbacks.unassigned')} />
              </Stack>
            </Radio.Group>
          ) : null}
          {values.strategy !== 'manual' && values.fallback === 'user' ? (
            <Select
              label={t('distribution.editor.fallbackUser')}
              data={memberOptions.map((m) => ({ value: m.id, label: m.name }))}
              searchable
              {...form.getInputProps('fallbackUserId')}
            />
          ) : null}
          {values.strategy === 'first_to_claim' ? (
            <NumberInput
              label={t('distribution.editor.claimTimeout')}
              description={t('distribution.editor.claimTimeoutHint')}
              min={1}
              max={1440}
              allowDecimal={false}
              rightSection={t('distribution.editor.min')}
              rightSectionWidth={44}
              {...form.getInputProps('claimTimeoutMinutes')}
            />
          ) : null}
          {values.strategy !== 'manual' ? (
            <SimpleGrid cols={{ base: 1, xs: 2 }}>
              <NumberInput
                label={t('distribution.editor.slaMinutes')}
                description={t('distribution.editor.slaHint')}
                placeholder={t('distribution.editor.noSla')}
                min={1}
                max={10080}
                allowDecimal={false}
                rightSection={t('distribution.editor.min')}
                rightSectionWidth={44}
                {...form.getInputProps('slaMinutes')}
              />
              <NumberInput
                label={t('distribution.editor.maxReassignments')}
                description={t('distribution.editor.maxReassignmentsHint')}
                min={0}
                max={20}
                allowDecimal={false}
                disabled={values.slaMinutes === ''}
                {...form.getInputProps('maxReassignments')}
              />
            </SimpleGrid>
          ) : null}
          <Switch
            label={t('distribution.editor.existingOwner')}
            description={t('distribution.editor.existingOwnerHint')}
            {...form.getInputProps('existingOwner', { type: 'checkbox' })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={createRule.isPending || updateRule.isPending}>
              {rule ? t('common.save') : t('distribution.addRule')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
