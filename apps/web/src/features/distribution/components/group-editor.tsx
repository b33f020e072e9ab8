import { ActionIcon, Button, Group, Input, NumberInput, Paper, Select, Stack, Text } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberOption } from '@/features/leads/hooks/use-lead-references';
import type { RuleMemberValue } from '../utils/rule-form';
import { evenWeights, weightTotal } from '../utils/rule-form';

type GroupEditorProps = {
  members: RuleMemberValue[];
  onChange: (next: RuleMemberValue[]) => void;
  options: MemberOption[];
  weighted: boolean;
  /** The group's error (`members`), and errors by row (`members.<i>.userId` / `.weight`). */
  error?: string;
  rowErrors: Record<number, string>;
};

/** The agents of a rule in round-robin order, with a weight each for the weighted strategy (they add up to 100). */
export function GroupEditor({ members, onChange, options, weighted, error, rowErrors }: GroupEditorProps) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<string | null>(null);
  const nameOf = (userId: string) => options.find((o) => o.id === userId)?.name ?? t('distribution.formerMember');
  const available = options.filter((o) => !members.some((m) => m.userId === o.id)).map((o) => ({ value: o.id, label: o.name }));
  const total = weightTotal(members);

  const add = (userId: string | null) => {
    if (!userId) return;
    const next = [...members, { userId, weight: '' as const }];
    // Weighted groups start evenly split; the manager adjusts.
    onChange(weighted ? next.map((m, i) => ({ ...m, weight: evenWeights(next.length)[i] ?? 0 })) : next);
    setPicked(null);
  };
  const move = (from: number, to: number) => {
    const next = [...members];
    const [moved] = next.splice(from, 1);
    if (!moved) return;
    next.splice(to, 0, moved);
    onChange(next);
  };

  return (
    <Input.Wrapper label={t('distribution.editor.group')} description={t('distribution.editor.groupHint')} error={error}>
      <Stack gap={6} mt={6} data-testid="rule-group">
        {members.map((member, index) => {
          const name = nameOf(member.userId);
          return (
            <Paper key={member.userId} withBorder p={6} data-testid={`rule-member-${name}`}>
              <Group gap="xs" wrap="nowrap">
                <Text size="sm" c="dimmed" w={20} ta="right">
                  {index + 1}.
                </Text>
                <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
                  <Text size="sm" truncate>
                    {name}
                  </Text>
                  {rowErrors[index] ? (
                    <Text size="xs" c="red">
                      {rowErrors[index]}
                    </Text>
                  ) : null}
                </Stack>
                {weighted ? (
                  <NumberInput
                    aria-label={t('distribution.editor.weightOf', { name })}
                    w={84}
                    size="xs"
                    min={0}
                    max={100}
                    allowDecimal={false}
                    rightSection="%"
                    value={member.weight}
                    onChange={(value) =>
                      onChange(members.map((m, i) => (i === index ? { ...m, weight: typeof value === 'number' ? value : '' } : m)))
                    }
                  />
                ) : null}
                <ActionIcon variant="default" size="sm" aria-label={t('distribution.editor.moveUp', { name })} disabled={index === 0} onClick={() => move(index, index - 1)}>
                  <IconArrowUp size={12} />
                </ActionIcon>
                <ActionIcon
                  variant="default"
                  size="sm"
                  aria-label={t('distribution.editor.moveDown', { name })}
                  disabled={index === members.length - 1}
                  onClick={() => move(index, index + 1)}
                >
                  <IconArrowDown size={12} />
                </ActionIcon>
                <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('distribution.editor.removeMember', { name })} onClick={() => onChange(members.filter((_, i) => i !== index))}>
                  <IconX size={14} />
                </ActionIcon>
              </Group>
            </Paper>
          );
        })}
        {weighted && members.length > 0 ? (
          <Group justify="space-between" gap="xs">
            <Text size="sm" c={total === 100 ? 'dimmed' : 'red'} data-testid="weight-total">
              {t('distribution.editor.weightTotal', { total })}
            </Text>
            <Button variant="subtle" size="compact-sm" onClick={() => onChange(members.map((m, i) => ({ ...m, weight: evenWeights(members.length)[i] ?? 0 })))}>
              {t('distribution.editor.splitEvenly')}
            </Button>
          </Group>
        ) : null}
        <Select
          aria-label={t('distribution.editor.addAgent')}
          placeholder={t('distribution.editor.addAgent')}
          data={available}
          value={picked}
          onChange={add}
          searchable
          nothingFoundMessage={t('common.nothingFound')}
        />
      </Stack>
    </Input.Wrapper>
  );
}
