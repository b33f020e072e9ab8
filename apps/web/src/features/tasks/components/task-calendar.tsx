import { taskDurationMinutes } from '@leadflow/shared/calendar';
import { Badge, Box, Button, Group, Loader, Paper, ScrollArea, SegmentedControl, Stack, Text, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '@/components/query-error';
import { ApiError } from '@/lib/api-client';
import { currentLanguage } from '@/lib/i18n';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useTaskRange, useUpdateTask, type TaskItem } from '../api/tasks';
import { addDays, addMonths, formatDay, formatTime, hhmm, startOfMonth, startOfWeek, today, zonedParts, zonedToDate } from '../utils/zoned';

export type CalendarView = 'day' | 'week' | 'month' | 'agenda';
export const CALENDAR_VIEWS: CalendarView[] = ['day', 'week', 'month', 'agenda'];

const SLOT_MINUTES = 30;
const SLOT_PX = 24;
const AGENDA_DAYS = 14;
const DRAG_TYPE = 'application/x-leadflow-task';
const PRIORITY_COLOR: Record<TaskItem['priority'], string> = { low: 'gray', normal: 'blue', high: 'orange', urgent: 'red' };

/** The days a view shows for an anchor day. */
export function viewDays(view: CalendarView, anchor: string): string[] {
  if (view === 'day') return [anchor];
  if (view === 'week') return Array.from({ length: 7 }, (_, i) => addDays(startOfWeek(anchor), i));
  if (view === 'agenda') return Array.from({ length: AGENDA_DAYS }, (_, i) => addDays(anchor, i));
  const first = startOfWeek(startOfMonth(anchor));
  return Array.from({ length: 42 }, (_, i) => addDays(first, i));
}

function step(view: CalendarView, anchor: string, dir: 1 | -1): string {
  if (view === 'day') return addDays(anchor, dir);
  if (view === 'week') return addDays(anchor, 7 * dir);
  if (view === 'agenda') return addDays(anchor, AGENDA_DAYS * dir);
  return addMonths(anchor, dir);
}

type Placed = { task: TaskItem; day: string; minutes: number };

export type SlotPick = { dueAt: string; allDay: boolean };

/**
 * Day, week, month and agenda views of open tasks in the user's time zone. Drag a task (HTML5 drag and drop) to
 * another day or half hour to reschedule it (PATCH dueAt with its version); click a free slot to create a task
 * there. Narrow screens start on the agenda (ADR 018).
 */
export function TaskCalendar({
  timeZone,
  scope,
  canManage,
  onPickSlot,
}: {
  timeZone: string;
  scope: 'mine' | 'team';
  canManage: boolean;
  onPickSlot: (slot: SlotPick) => void;
}) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const narrow = useMediaQuery('(max-width: 48em)', false, { getInitialValueInEffect: false });
  const [view, setView] = useState<CalendarView>(narrow ? 'agenda' : 'week');
  const [anchor, setAnchor] = useState(() => today(timeZone));
  const days = viewDays(view, anchor);
  const from = zonedToDate(days[0]!, 0, timeZone).toISOString();
  const to = zonedToDate(addDays(days.at(-1)!, 1), 0, timeZone).toISOString();
  const range = useTaskRange({ from, to, scope });
  const update = useUpdateTask();

  const byDay = useMemo(() => {
    const map = new Map<string, Placed[]>();
    for (const task of range.data ?? []) {
      const p = zonedParts(new Date(task.dueAt), timeZone);
      const list = map.get(p.day) ?? [];
      list.push({ task, day: p.day, minutes: task.allDay ? -1 : p.minutes });
      map.set(p.day, list);
    }
    for (const list of map.values()) list.sort((a, b) => a.minutes - b.minutes);
    return map;
  }, [range.data, timeZone]);

  const tasksById = useMemo(() => new Map((range.data ?? []).map((task) => [task.id, task])), [range.data]);

  /** Dropped on a day (month view: keeps the time of day) or on a half hour (day/week views). */
  function reschedule(taskId: string, day: string, minutes: number | 'keep' | 'allDay') {
    const task = tasksById.get(taskId);
    if (!task) return;
    const current = zonedParts(new Date(task.dueAt), timeZone);
    const allDay = minutes === 'allDay' || (minutes === 'keep' && task.allDay);
    const at = allDay ? zonedToDate(day, 0, timeZone) : zonedToDate(day, minutes === 'keep' ? current.minutes : (minutes as number), timeZone);
    if (at.getTime() === Date.parse(task.dueAt) && allDay === task.allDay) return;
    // Reminders move with the task, keeping their distance to the due time.
    const shift = at.getTime() - Date.parse(task.dueAt);
    const reminders = task.reminders.map((r) => new Date(Date.parse(r) + shift).toISOString());
    update.mutate(
      { id: task.id, version: task.version, dueAt: at.toISOString(), allDay, reminders },
      {
        onSuccess: () => notifySuccess(t('tasks.calendar.moved', { title: task.title })),
        onError: (error) => notifyError(error instanceof ApiError && error.status === 409 ? new Error(t('tasks.conflict')) : error),
      },
    );
  }

  const title =
    view === 'month'
      ? formatDay(anchor, language, { month: 'long', year: 'numeric' })
      : view === 'day'
        ? formatDay(anchor, language, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
        : `${formatDay(days[0]!, language, { day: 'numeric', month: 'short' })} – ${formatDay(days.at(-1)!, language, { day: 'numeric', month: 'short', year: 'numeric' })}`;

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap={4} wrap="nowrap">
          <Button variant="default" size="xs" aria-label={t('tasks.calendar.previous')} onClick={() => setAnchor(step(view, anchor, -1))}>
            <IconChevronLeft size={16} />
          </Button>
          <Button variant="default" size="xs" onClick={() => setAnchor(today(timeZone))}>
            {t('tasks.calendar.today')}
          </Button>
          <Button variant="default" size="xs" aria-label={t('tasks.calendar.next')} onClick={() => setAnchor(step(view, anchor, 1))}>
            <IconChevronRight size={16} />
          </Button>
          <Text fw={600} ml="xs" data-testid="calendar-title">
            {title}
          </Text>
          {range.isFetching ? <Loader size="xs" ml="xs" /> : null}
        </Group>
        <SegmentedControl size="xs" value={view} onChange={(v) => setView(v as CalendarView)} data={CALENDAR_VIEWS.map((v) => ({ value: v, label: t(`tasks.calendar.views.${v}`) }))} />
      </Group>
      <Text size="xs" c="dimmed">
        {t('tasks.calendar.timeZone', { timeZone })}
        {canManage && view !== 'agenda' ? ` · ${t('tasks.calendar.hint')}` : ''}
      </Text>
      {range.isError ? <QueryError error={range.error} onRetry={() => void range.refetch()} /> : null}
      {view === 'agenda' ? (
        <Agenda days={days} byDay={byDay} timeZone={timeZone} language={language} showAssignee={scope === 'team'} />
      ) : view === 'month' ? (
        <MonthGrid days={days} anchor={anchor} byDay={byDay} timeZone={timeZone} language={language} canManage={canManage} onDrop={(id, day) => reschedule(id, day, 'keep')} onPickDay={(day) => onPickSlot({ dueAt: zonedToDate(day, 9 * 60, timeZone).toISOString(), allDay: false })} />
      ) : (
        <TimeGrid
          days={days}
          byDay={byDay}
          timeZone={timeZone}
          language={language}
          canManage={canManage}
          showAssignee={scope === 'team'}
          onDrop={(id, day, minutes) => reschedule(id, day, minutes)}
          onPick={(day, minutes) => onPickSlot(minutes === 'allDay' ? { dueAt: `${day}T00:00:00.000Z`, allDay: true } : { dueAt: zonedToDate(day, minutes, timeZone).toISOString(), allDay: false })}
        />
      )}
    </Stack>
  );
}

function dragProps(task: TaskItem, canManage: boolean) {
  if (!canManage) return {};
  return {
    draggable: true,
    onDragStart: (e: DragEvent) => {
      e.dataTransfer.setData(DRAG_TYPE, task.id);
      e.dataTransfer.setData('text/plain', task.title);
      e.dataTransfer.effectAllowed = 'move';
    },
  };
}

function dropProps(onDrop: (taskId: string) => void, setOver: (over: boolean) => void) {
  return {
    onDragOver: (e: DragEvent) => {
      if (!e.dataTransfer.types.includes(DRAG_TYPE)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (e: DragEvent) => {
      setOver(false);
      const id = e.dataTransfer.getData(DRAG_TYPE);
      if (!id) return;
      e.preventDefault();
      onDrop(id);
    },
  };
}

function TaskChip({ task, timeZone, language, canManage, showAssignee, compact }: { task: TaskItem; timeZone: string; language: string; canManage: boolean; showAssignee?: boolean; compact?: boolean }) {
  const { t } = useTranslation();
  return (
    <Paper
      withBorder
      px={6}
      py={2}
      radius="sm"
      data-testid={`calendar-task-${task.title}`}
      data-due={task.dueAt}
      style={{ cursor: canManage ? 'grab' : 'pointer', borderLeft: `3px solid var(--mantine-color-${PRIORITY_COLOR[task.priority]}-6)`, overflow: 'hidden', height: '100%' }}
      {...dragProps(task, canManage)}
      onClick={(e) => e.stopPropagation()}
    >
      <Link to="/tasks/$taskId" params={{ taskId: task.id }} style={{ color: 'inherit', textDecoration: 'none', display: 'block' }} draggable={false}>
        <Text size="xs" fw={600} truncate>
          {task.allDay ? '' : `${formatTime(task.dueAt, language, timeZone)} `}
          {task.title}
        </Text>
        {!compact ? (
          <Text size="xs" c="dimmed" truncate>
            {t(`tasks.types.${task.type}`)}
            {task.lead ? ` · ${task.lead.name}` : ''}
            {showAssignee && task.assignee ? ` · ${task.assignee.name}` : ''}
          </Text>
        ) : null}
      </Link>
    </Paper>
  );
}

function Slot({ label, onDrop, onPick, height }: { label: string; onDrop: (id: string) => void; onPick: () => void; height: number }) {
  const [over, setOver] = useState(false);
  return (
    <UnstyledButton
      aria-label={label}
      onClick={onPick}
      {...dropProps(onDrop, setOver)}
      style={{
        display: 'block',
        width: '100%',
        height,
        minHeight: height,
        borderTop: '1px solid var(--mantine-color-default-border)',
        background: over ? 'var(--mantine-primary-color-light)' : undefined,
      }}
    />
  );
}

function TimeGrid({
  days,
  byDay,
  timeZone,
  language,
  canManage,
  showAssignee,
  onDrop,
  onPick,
}: {
  days: string[];
  byDay: Map<string, Placed[]>;
  timeZone: string;
  language: string;
  canManage: boolean;
  showAssignee: boolean;
  onDrop: (taskId: string, day: string, minutes: number | 'allDay') => void;
  onPick: (day: string, minutes: number | 'allDay') => void;
}) {
  const { t } = useTranslation();
  const viewport = useRef<HTMLDivElement>(null);
  const slots = Array.from({ length: (24 * 60) / SLOT_MINUTES }, (_, i) => i * SLOT_MINUTES);
  const current = today(timeZone);
  useEffect(() => {
    // Start at 7:00.
    viewport.current?.scrollTo({ top: (7 * 60 * SLOT_PX) / SLOT_MINUTES });
  }, []);
  const columns = `3.5rem repeat(${days.length}, minmax(${days.length > 1 ? '6.5rem' : '10rem'}, 1fr))`;
  return (
    <Paper withBorder data-testid="calendar-grid" style={{ overflowX: 'auto' }}>
      <Box style={{ minWidth: days.length > 1 ? '49rem' : undefined }}>
        <Box style={{ display: 'grid', gridTemplateColumns: columns, borderBottom: '1px solid var(--mantine-color-default-border)' }}>
          <Box />
          {days.map((day) => (
            <Box key={day} p={4} ta="center" style={{ borderLeft: '1px solid var(--mantine-color-default-border)' }} data-day={day}>
              <Text size="xs" fw={day === current ? 700 : 500} c={day === current ? 'blue' : undefined}>
                {formatDay(day, language)}
              </Text>
            </Box>
          ))}
          <Text size="xs" c="dimmed" p={4}>
            {t('tasks.calendar.allDay')}
          </Text>
          {days.map((day) => (
            <Box key={day} style={{ borderLeft: '1px solid var(--mantine-color-default-border)' }} data-testid={`allday-${day}`}>
              <DropCell label={t('tasks.calendar.slotAllDay', { day: formatDay(day, language) })} onDrop={(id) => onDrop(id, day, 'allDay')} onPick={() => onPick(day, 'allDay')} minHeight="1.75rem">
                <Stack gap={2}>
                  {(byDay.get(day) ?? [])
                    .filter((p) => p.task.allDay)
                    .map((p) => (
                      <TaskChip key={p.task.id} task={p.task} timeZone={timeZone} language={language} canManage={canManage} compact />
                    ))}
                </Stack>
              </DropCell>
            </Box>
          ))}
        </Box>
        <ScrollArea.Autosize mah="65vh" viewportRef={viewport}>
          <Box style={{ display: 'grid', gridTemplateColumns: columns }}>
            <Box>
              {slots.map((m) => (
                <Text key={m} size="xs" c="dimmed" ta="right" pr={4} style={{ height: SLOT_PX, lineHeight: `${SLOT_PX}px` }}>
                  {m % 60 === 0 ? hhmm(m) : ''}
                </Text>
              ))}
            </Box>
            {days.map((day) => (
              <Box key={day} pos="relative" style={{ borderLeft: '1px solid var(--mantine-color-default-border)' }} data-testid={`day-${day}`}>
                {slots.map((m) => (
                  <Slot key={m} label={t('tasks.calendar.slot', { day: formatDay(day, language), time: hhmm(m) })} onDrop={(id) => onDrop(id, day, m)} onPick={() => onPick(day, m)} height={SLOT_PX} />
                ))}
                {(byDay.get(day) ?? [])
                  .filter((p) => !p.task.allDay)
                  .map((p, i, list) => {
                    // Tasks in the same half hour sit side by side.
                    const same = list.filter((q) => Math.floor(q.minutes / SLOT_MINUTES) === Math.floor(p.minutes / SLOT_MINUTES));
                    const index = same.indexOf(p);
                    const width = 100 / same.length;
                    return (
                      <Box
                        key={p.task.id}
                        pos="absolute"
                        style={{
                          top: (p.minutes * SLOT_PX) / SLOT_MINUTES,
                          height: Math.max(SLOT_PX, (taskDurationMinutes(p.task.type) * SLOT_PX) / SLOT_MINUTES) - 2,
                          left: `calc(${index * width}% + 2px)`,
                          width: `calc(${width}% - 4px)`,
                          zIndex: 1 + i,
                        }}
                      >
                        <TaskChip task={p.task} timeZone={timeZone} language={language} canManage={canManage} showAssignee={showAssignee} />
                      </Box>
                    );
                  })}
              </Box>
            ))}
          </Box>
        </ScrollArea.Autosize>
      </Box>
    </Paper>
  );
}

function MonthGrid({
  days,
  anchor,
  byDay,
  timeZone,
  language,
  canManage,
  onDrop,
  onPickDay,
}: {
  days: string[];
  anchor: string;
  byDay: Map<string, Placed[]>;
  timeZone: string;
  language: string;
  canManage: boolean;
  onDrop: (taskId: string, day: string) => void;
  onPickDay: (day: string) => void;
}) {
  const { t } = useTranslation();
  const month = anchor.slice(0, 7);
  const current = today(timeZone);
  return (
    <Paper withBorder style={{ overflowX: 'auto' }} data-testid="calendar-month">
      <Box style={{ display: 'grid', gridTemplateColumns: 'repeat(7, minmax(5.5rem, 1fr))', minWidth: '40rem', gap: 1, background: 'var(--mantine-color-default-border)' }}>
        {days.slice(0, 7).map((day) => (
          <Text key={day} size="xs" c="dimmed" ta="center" p={4} bg="var(--mantine-color-body)">
            {formatDay(day, language, { weekday: 'short' })}
          </Text>
        ))}
        {days.map((day) => (
          <DropCell key={day} label={t('tasks.calendar.slotDay', { day: formatDay(day, language) })} onDrop={(id) => onDrop(id, day)} onPick={() => onPickDay(day)} dim={day.slice(0, 7) !== month} testId={`month-${day}`} minHeight="6rem">
            <Text size="xs" fw={day === current ? 700 : 400} c={day === current ? 'blue' : undefined}>
              {Number(day.slice(8))}
            </Text>
            <Stack gap={2}>
              {(byDay.get(day) ?? []).slice(0, 3).map((p) => (
                <TaskChip key={p.task.id} task={p.task} timeZone={timeZone} language={language} canManage={canManage} compact />
              ))}
              {(byDay.get(day)?.length ?? 0) > 3 ? (
                <Text size="xs" c="dimmed">
                  {t('tasks.calendar.more', { count: (byDay.get(day)?.length ?? 0) - 3 })}
                </Text>
              ) : null}
            </Stack>
          </DropCell>
        ))}
      </Box>
    </Paper>
  );
}

/** A day (month view) or a day's all-day row: drop a task on it, or click its free space to create one. */
function DropCell({ label, onDrop, onPick, dim, testId, minHeight, children }: { label: string; onDrop: (id: string) => void; onPick: () => void; dim?: boolean; testId?: string; minHeight: string; children: ReactNode }) {
  const [over, setOver] = useState(false);
  return (
    <Box
      role="button"
      tabIndex={0}
      aria-label={label}
      data-testid={testId}
      onClick={onPick}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.target === e.currentTarget) onPick();
      }}
      {...dropProps(onDrop, setOver)}
      p={4}
      style={{
        minHeight,
        height: '100%',
        borderTop: '1px solid var(--mantine-color-default-border)',
        opacity: dim ? 0.55 : 1,
        cursor: 'pointer',
        background: over ? 'var(--mantine-primary-color-light)' : 'var(--mantine-color-body)',
      }}
    >
      {children}
    </Box>
  );
}

function Agenda({ days, byDay, timeZone, language, showAssignee }: { days: string[]; byDay: Map<string, Placed[]>; timeZone: string; language: string; showAssignee: boolean }) {
  const { t } = useTranslation();
  const withTasks = days.filter((d) => byDay.get(d)?.length);
  if (!withTasks.length) {
    return (
      <Text c="dimmed" size="sm" data-testid="calendar-agenda">
        {t('tasks.calendar.agendaEmpty')}
      </Text>
    );
  }
  return (
    <Stack gap="sm" data-testid="calendar-agenda">
      {withTasks.map((day) => (
        <Stack key={day} gap={4}>
          <Text size="sm" fw={700}>
            {formatDay(day, language, { weekday: 'long', day: 'numeric', month: 'long' })}
          </Text>
          {byDay.get(day)!.map((p) => (
            <Paper key={p.task.id} withBorder p="xs" data-testid={`agenda-task-${p.task.title}`}>
              <Group gap="xs" wrap="nowrap" align="flex-start">
                <Text size="sm" c="dimmed" w="4.5rem" style={{ flexShrink: 0 }}>
                  {p.task.allDay ? t('tasks.calendar.allDay') : formatTime(p.task.dueAt, language, timeZone)}
                </Text>
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Link to="/tasks/$taskId" params={{ taskId: p.task.id }} style={{ color: 'inherit' }}>
                    <Text size="sm" fw={600}>
                      {p.task.title}
                    </Text>
                  </Link>
                  <Group gap={4}>
                    <Badge size="xs" variant="light">
                      {t(`tasks.types.${p.task.type}`)}
                    </Badge>
                    {p.task.lead ? (
                      <Text size="xs" c="dimmed">
                        {p.task.lead.name}
                      </Text>
                    ) : null}
                    {showAssignee && p.task.assignee ? (
                      <Text size="xs" c="dimmed">
                        · {p.task.assignee.name}
                      </Text>
                    ) : null}
                  </Group>
                </Stack>
              </Group>
            </Paper>
          ))}
        </Stack>
      ))}
    </Stack>
  );
}
