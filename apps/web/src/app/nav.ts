import type { Permission } from '@leadflow/shared/permissions';
import type { Icon } from '@tabler/icons-react';
import {
  IconAddressBook,
  IconAdjustmentsHorizontal,
  IconLayoutKanban,
  IconMoodSad,
  IconUserCheck,
  IconBuilding,
  IconClipboardText,
  IconFileZip,
  IconForms,
  IconHistory,
  IconHome,
  IconArrowsSplit,
  IconCalendar,
  IconInbox,
  IconChecklist,
  IconPackage,
  IconMail,
  IconPlugConnected,
  IconShieldLock,
  IconSpeakerphone,
  IconTemplate,
  IconRepeat,
  IconTrash,
  IconUpload,
  IconUsers,
} from '@tabler/icons-react';
import type { LinkProps } from '@tanstack/react-router';
import type { ParseKeys } from 'i18next';

export type NavSection = 'main' | 'settings';

export type NavItem = {
  to: NonNullable<LinkProps['to']>;
  label: ParseKeys;
  icon: Icon;
  section: NavSection;
  /** Shown only to users whose role holds this permission. */
  permission?: Permission;
};

/** The navigation, in order. Each new area of the app adds its entry here. */
export const NAV_ITEMS: NavItem[] = [
  { to: '/leads', label: 'nav.leads', icon: IconAddressBook, section: 'main' },
  { to: '/board', label: 'board.nav', icon: IconLayoutKanban, section: 'main' },
  { to: '/my-leads', label: 'distribution.queue.nav', icon: IconInbox, section: 'main' },
  { to: '/tasks', label: 'tasks.nav', icon: IconChecklist, section: 'main' },
  { to: '/calendar', label: 'tasks.calendar.nav', icon: IconCalendar, section: 'main' },
  { to: '/production', label: 'production.nav', icon: IconPackage, section: 'main', permission: 'production.manage' },
  { to: '/clients', label: 'clients.nav', icon: IconUserCheck, section: 'main', permission: 'clients.view' },
  { to: '/imports', label: 'imports.nav', icon: IconUpload, section: 'main', permission: 'leads.import' },
  { to: '/', label: 'nav.home', icon: IconHome, section: 'main' },
  { to: '/settings/workspace', label: 'nav.workspace', icon: IconBuilding, section: 'settings', permission: 'workspace.manage' },
  { to: '/settings/users', label: 'nav.users', icon: IconUsers, section: 'settings', permission: 'users.view' },
  { to: '/settings/roles', label: 'nav.roles', icon: IconShieldLock, section: 'settings', permission: 'roles.manage' },
  { to: '/settings/outbox', label: 'nav.outbox', icon: IconMail, section: 'settings', permission: 'outbox.view' },
  { to: '/settings/audit', label: 'nav.audit', icon: IconHistory, section: 'settings', permission: 'audit.view' },
  { to: '/settings/fields', label: 'nav.fields', icon: IconForms, section: 'settings', permission: 'fields.manage' },
  { to: '/settings/integrations', label: 'nav.integrations', icon: IconPlugConnected, section: 'settings', permission: 'integrations.manage' },
  { to: '/settings/web-forms', label: 'nav.webForms', icon: IconClipboardText, section: 'settings', permission: 'marketing.manage' },
  { to: '/settings/pipelines', label: 'pipelineSettings.nav', icon: IconAdjustmentsHorizontal, section: 'settings', permission: 'pipelines.manage' },
  { to: '/settings/lost-reasons', label: 'lostReasons.nav', icon: IconMoodSad, section: 'settings', permission: 'pipelines.manage' },
  { to: '/settings/marketing', label: 'marketing.nav', icon: IconSpeakerphone, section: 'settings', permission: 'marketing.manage' },
  { to: '/settings/distribution', label: 'distribution.nav', icon: IconArrowsSplit, section: 'settings', permission: 'leads.assign' },
  { to: '/settings/presets', label: 'presets.nav', icon: IconTemplate, section: 'settings', permission: 'workspace.manage' },
  { to: '/settings/cadences', label: 'cadences.nav', icon: IconRepeat, section: 'settings', permission: 'workspace.manage' },
  { to: '/settings/export', label: 'nav.exportData', icon: IconFileZip, section: 'settings', permission: 'workspace.export' },
  { to: '/trash', label: 'nav.trash', icon: IconTrash, section: 'settings', permission: 'trash.manage' },
];

export function visibleNavItems(can: (permission: Permission) => boolean, section?: NavSection): NavItem[] {
  return NAV_ITEMS.filter(
    (item) => (section === undefined || item.section === section) && (!item.permission || can(item.permission)),
  );
}
