import type { BoardStage } from '../api/get-board';
import { ActionIcon, Anchor, Avatar, Badge, Box, Group, Menu, Paper, Text, Tooltip } from '@mantine/core';
import { IconAlarm, IconArrowDown, IconArrowUp, IconCalendarEvent, IconDotsVertical, IconFlame } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardCard as BoardCardData } from '../api/get-board';
import { daysSince, initials } from '../utils/board-order';
import { formatDay, formatFollowUp, formatMoney } from '../utils/format';

export type CardMenuAction =
  | { type: 'stage'; stageId: string }
  | { type: 'up' }
  | { type: 'down' };

type BoardCardProps = {
  card: BoardCardData;
  stage: BoardStage;
  stages: BoardStage[];
  now: number;
  /** Currency of the card's money value (shown when the board sums a field). */
  currency: string;
  /** Whether it can go up or down within its column (for the menu). */
  canMoveUp: boolean;
  canMoveDown: boolean;
  onMenuAction: (card: BoardCardData, action: CardMenuAction) => void;
  /** Drop indicator: a line above or below the card while another card is dragged over it. */
  dropLine?: 'above' | 'below' | null;
  dragging?: boolean;
  overlay?: boolean;
};

/** One lead on the board: name, owner, age, next follow-up, rotting flag, and the "Move to…" menu. */
export const BoardCard = memo(function BoardCard({
  card,
  stage,
  stages,
  now,
  currency,
  canMoveUp,
  canMoveDown,
  onMenuAction,
  dropLine = null,
  dragging = false,
  overlay = false,
}: BoardCardProps) {
  const { t } = useTranslation();
  const rotting = card.rotting;
  const age = daysSince(card.createdAt, now);
  const followUp = card.nextFollowUpAt;
  const overdue = followUp !== null && Date.parse(followUp) < now;

  return (
    <Paper
      withBorder
      p="xs"
      radius="md"
      shadow={overlay ? 'lg' : undefined}
      data-testid={overlay ? undefined : `board-card-${card.id}`}
      data-lead-name={card.displayName}
      style={{
        cursor: overlay ? 'grabbing' : 'grab',
        opacity: dragging ? 0.35 : 1,
        position: 'relative',
        touchAction: 'manipulation',
        borderLeft: rotting ? '3px solid var(--mantine-color-orange-6)' : undefined,
        boxShadow:
          dropLine === 'above'
            ? '0 -3px 0 0 var(--mantine-primary-color-filled)'
            : dropLine === 'below'
              ? '0 3px 0 0 var(--mantine-primary-color-filled)'
              : undefined,
      }}
    >
      <Group justify="space-between" wrap="nowrap" gap={4} align="flex-start">
        <Anchor
          renderRoot={(props) => <Link to="/leads/$leadId" params={{ leadId: card.id }} {...props} />}
          size="sm"
          fw={600}
          lineClamp={2}
          style={{ overflowWrap: 'anywhere' }}
          // A click opens the lead; a press that moves starts a drag instead (the sensors need a few pixels).
          draggable={false}
        >
          {card.displayName}
        </Anchor>
        {overlay ? null : (
          <Menu position="bottom-end" withinPortal shadow="md">
            <Menu.Target>
              <ActionIcon
                variant="subtle"
                color="gray"
                size="sm"
                aria-label={t('board.card.menu', { name: card.displayName })}
                data-testid={`board-card-menu-${card.id}`}
                // The menu button must not start a drag.
                onPointerDown={(event) => event.stopPropagation()}
                onMouseDown={(event) => event.stopPropagation()}
                onTouchStart={(event) => event.stopPropagation()}
              >
                <IconDotsVertical size={14} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{t('board.card.moveTo')}</Menu.Label>
              {stages
                .filter((s) => s.id !== stage.id)
                .map((s) => (
                  <Menu.Item
                    key={s.id}
                    leftSection={<Box w={10} h={10} style={{ borderRadius: 10, background: `var(--mantine-color-${s.color}-6, ${s.color})` }} />}
                    onClick={() => onMenuAction(card, { type: 'stage', stageId: s.id })}
                  >
                    {s.name}
                  </Menu.Item>
                ))}
              <Menu.Divider />
              <Menu.Item leftSection={<IconArrowUp size={14} />} disabled={!canMoveUp} onClick={() => onMenuAction(card, { type: 'up' })}>
                {t('board.card.moveUp')}
              </Menu.Item>
              <Menu.Item leftSection={<IconArrowDown size={14} />} disabled={!canMoveDown} onClick={() => onMenuAction(card, { type: 'down' })}>
                {t('board.card.moveDown')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>
      <Group gap={6} mt={6} wrap="nowrap" justify="space-between">
        <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
          <Tooltip label={card.owner?.name ?? t('board.card.unassigned')} withinPortal>
            <Avatar size={22} radius="xl" color={card.owner ? 'initials' : 'gray'} name={card.owner?.name} aria-label={card.owner?.name ?? t('board.card.unassigned')}>
              {card.owner ? initials(card.owner.name) : '–'}
            </Avatar>
          </Tooltip>
          <Text size="xs" c="dimmed" title={t('board.card.ageTitle')}>
            {t('board.card.age', { count: age })}
          </Text>
        </Group>
        {card.value !== null ? (
          <Text size="xs" fw={600} style={{ whiteSpace: 'nowrap' }}>
            {formatMoney(card.value, currency)}
          </Text>
        ) : null}
        {rotting ? (
          <Badge size="xs" color="orange" variant="light" leftSection={<IconFlame size={10} />} data-testid="rotting-flag">
            {t('board.card.rotting')}
          </Badge>
        ) : null}
      </Group>
      {stage.kind === 'lost' && card.lostReason ? (
        <Text size="xs" c="red" mt={4} lineClamp={2}>
          {t('board.card.lostReason', { reason: card.lostReason })}
        </Text>
      ) : null}
      {stage.kind === 'won' && card.clientSince ? (
        <Text size="xs" c="teal" mt={4}>
          {t('clients.since', { date: formatDay(card.clientSince) })}
        </Text>
      ) : null}
      {followUp ? (
        <Group gap={4} mt={4} wrap="nowrap" c={overdue ? 'red' : 'dimmed'}>
          {overdue ? <IconAlarm size={12} aria-hidden /> : <IconCalendarEvent size={12} aria-hidden />}
          <Text size="xs" truncate>
            {overdue ? t('board.card.followUpOverdue', { date: formatFollowUp(followUp) }) : t('board.card.followUp', { date: formatFollowUp(followUp) })}
          </Text>
        </Group>
      ) : null}
    </Paper>
  );
});
