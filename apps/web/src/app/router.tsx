import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import { LoadingScreen } from '@/components/loading-screen';
import { getSetupStatusQueryOptions } from '@/features/auth/api/get-setup-status';
import { getLeadQueryOptions } from '@/features/leads/api/get-lead';
import { getMeQueryOptions } from '@/features/profile/api/get-me';
import { ApiError, onAuthFailure } from '@/lib/api-client';
import { queryClient } from './query-client';
import { RouteError } from './route-error';

export type RouterContext = { queryClient: QueryClient };

export type LoginSearch = { redirect?: string; reason?: 'expired'; email?: string };
export type TokenSearch = { token?: string };
export type UsersTab = 'members' | 'invitations' | 'reset-requests';
export const INTEGRATIONS_TABS = ['lead-ads', 'api-keys', 'log', 'capture'] as const;
export type IntegrationsTab = (typeof INTEGRATIONS_TABS)[number];
export const DISTRIBUTION_TABS = ['rules', 'availability', 'speed', 'history'] as const;
export type DistributionTab = (typeof DISTRIBUTION_TABS)[number];

const PUBLIC_WHEN_NOT_SET_UP = '/setup';

const rootRoute = createRootRouteWithContext<RouterContext>()({
  beforeLoad: async ({ context, location }) => {
    // A fresh install sends everyone to the setup page until the first owner exists.
    const status = await context.queryClient.ensureQueryData(getSetupStatusQueryOptions()).catch(() => null);
    if (status && !status.setUp && location.pathname !== PUBLIC_WHEN_NOT_SET_UP) {
      throw redirect({ to: '/setup' });
    }
    if (status?.setUp && location.pathname === PUBLIC_WHEN_NOT_SET_UP) throw redirect({ to: '/login' });
  },
  component: Outlet,
  notFoundComponent: lazyRouteComponent(() => import('./routes/not-found'), 'NotFoundPage'),
});

/* Public pages: no session needed. */
const publicLayoutRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_public',
  component: lazyRouteComponent(() => import('./layout/public-layout'), 'PublicLayout'),
});

const setupRoute = createRoute({
  getParentRoute: () => publicLayoutRoute,
  path: 'setup',
  component: lazyRouteComponent(() => import('./routes/setup'), 'SetupPage'),
});

const loginRoute = createRoute({
  getParentRoute: () => publicLayoutRoute,
  path: 'login',
  validateSearch: (search: Record<string, unknown>): LoginSearch => ({
    redirect: typeof search.redirect === 'string' ? search.redirect : undefined,
    reason: search.reason === 'expired' ? 'expired' : undefined,
    email: typeof search.email === 'string' ? search.email : undefined,
  }),
  component: lazyRouteComponent(() => import('./routes/login'), 'LoginPage'),
});

const signupRoute = createRoute({
  getParentRoute: () => publicLayoutRoute,
  path: 'signup',
  component: lazyRouteComponent(() => import('./routes/signup'), 'SignupPage'),
});

const forgotPasswordRoute = createRoute({
  getParentRoute: () => publicLayoutRoute,
  path: 'forgot-password',
  component: lazyRouteComponent(() => import('./routes/forgot-password'), 'ForgotPasswordPage'),
});

const validateTokenSearch = (search: Record<string, unknown>): TokenSearch => ({
  token: typeof search.token === 'string' ? search.token : undefined,
});

const resetPasswordRoute = createRoute({
  getParentRoute: () => publicLayoutRoute,
  path: 'reset-password',
  validateSearch: validateTokenSearch,
  component: lazyRouteComponent(() => import('./routes/reset-password'), 'ResetPasswordPage'),
});

const acceptInvitationRoute = createRoute({
  getParentRoute: () => publicLayoutRoute,
  path: 'accept-invitation',
  validateSearch: validateTokenSearch,
  component: lazyRouteComponent(() => import('./routes/accept-invitation'), 'AcceptInvitationPage'),
});

const awaitingApprovalRoute = createRoute({
  getParentRoute: () => publicLayoutRoute,
  path: 'awaiting-approval',
  component: lazyRouteComponent(() => import('./routes/awaiting-approval'), 'AwaitingApprovalPage'),
});

/* Signed-in pages. */
const appLayoutRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_app',
  beforeLoad: async ({ context, location }) => {
    try {
      await context.queryClient.ensureQueryData(getMeQueryOptions());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        throw redirect({
          to: '/login',
          search: {
            redirect: location.href === '/' ? undefined : location.href,
            reason: error.code === 'SESSION_EXPIRED' ? 'expired' : undefined,
          },
        });
      }
      throw error;
    }
  },
  component: lazyRouteComponent(() => import('./layout/app-layout'), 'AppLayout'),
});

const homeRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: '/',
  component: lazyRouteComponent(() => import('./routes/home'), 'HomePage'),
});

const profileRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'profile',
  component: lazyRouteComponent(() => import('./routes/profile'), 'ProfilePage'),
});

const settingsIndexRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings',
  component: lazyRouteComponent(() => import('./routes/settings-index'), 'SettingsIndexPage'),
});

const workspaceSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/workspace',
  component: lazyRouteComponent(() => import('./routes/settings-workspace'), 'WorkspaceSettingsPage'),
});

const usersSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/users',
  validateSearch: (search: Record<string, unknown>): { tab?: UsersTab } => ({
    tab:
      search.tab === 'invitations' || search.tab === 'reset-requests' || search.tab === 'members'
        ? search.tab
        : undefined,
  }),
  component: lazyRouteComponent(() => import('./routes/settings-users'), 'UsersSettingsPage'),
});

const rolesSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/roles',
  component: lazyRouteComponent(() => import('./routes/settings-roles'), 'RolesSettingsPage'),
});

const outboxSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/outbox',
  component: lazyRouteComponent(() => import('./routes/settings-outbox'), 'OutboxSettingsPage'),
});

const auditSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/audit',
  component: lazyRouteComponent(() => import('./routes/settings-audit'), 'AuditSettingsPage'),
});

const leadsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'leads',
  component: lazyRouteComponent(() => import('./routes/leads'), 'LeadsPage'),
});

const leadDetailRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'leads/$leadId',
  // Starts fetching the lead while the page's code loads; the page shows errors itself.
  loader: ({ context, params }) => {
    void context.queryClient.prefetchQuery(getLeadQueryOptions(params.leadId));
  },
  component: lazyRouteComponent(() => import('./routes/lead-detail'), 'LeadDetailPage'),
});

const fieldsSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/fields',
  component: lazyRouteComponent(() => import('./routes/settings-fields'), 'FieldsSettingsPage'),
});

const integrationsSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/integrations',
  validateSearch: (search: Record<string, unknown>): { tab?: IntegrationsTab } => ({
    tab: INTEGRATIONS_TABS.find((tab) => tab === search.tab && tab !== 'lead-ads'),
  }),
  component: lazyRouteComponent(() => import('./routes/settings-integrations'), 'IntegrationsSettingsPage'),
});

const webFormsSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/web-forms',
  component: lazyRouteComponent(() => import('./routes/settings-web-forms'), 'WebFormsSettingsPage'),
});

const boardRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'board',
  component: lazyRouteComponent(() => import('./routes/board'), 'BoardPage'),
});

const clientsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'clients',
  component: lazyRouteComponent(() => import('./routes/clients'), 'ClientsPage'),
});

const pipelinesSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/pipelines',
  component: lazyRouteComponent(() => import('./routes/settings-pipelines'), 'PipelinesSettingsPage'),
});

const lostReasonsSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/lost-reasons',
  component: lazyRouteComponent(() => import('./routes/settings-lost-reasons'), 'LostReasonsSettingsPage'),
});

const cadencesSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/cadences',
  component: lazyRouteComponent(() => import('./routes/settings-cadences'), 'CadencesSettingsPage'),
});

const presetsSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/presets',
  component: lazyRouteComponent(() => import('./routes/settings-presets'), 'PresetsSettingsPage'),
});

const exportSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/export',
  component: lazyRouteComponent(() => import('./routes/settings-export'), 'ExportSettingsPage'),
});

const marketingSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/marketing',
  component: lazyRouteComponent(() => import('./routes/settings-marketing'), 'MarketingSettingsPage'),
});

const distributionSettingsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'settings/distribution',
  validateSearch: (search: Record<string, unknown>): { tab?: DistributionTab } => ({
    tab: DISTRIBUTION_TABS.find((tab) => tab === search.tab && tab !== 'rules'),
  }),
  component: lazyRouteComponent(() => import('./routes/settings-distribution'), 'DistributionSettingsPage'),
});

const myQueueRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'my-leads',
  component: lazyRouteComponent(() => import('./routes/my-queue'), 'MyQueuePage'),
});

export type TasksSearch = { leadId?: string };

const tasksRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'tasks',
  // ?leadId=…: the tasks of one lead (the lead page's "All tasks of this lead").
  validateSearch: (search: Record<string, unknown>): TasksSearch => ({
    leadId: typeof search.leadId === 'string' && /^[0-9a-f-]{36}$/i.test(search.leadId) ? search.leadId : undefined,
  }),
  component: lazyRouteComponent(() => import('./routes/tasks'), 'TasksPage'),
});

const taskDetailRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'tasks/$taskId',
  component: lazyRouteComponent(() => import('./routes/task-detail'), 'TaskDetailPage'),
});

const calendarRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'calendar',
  component: lazyRouteComponent(() => import('./routes/calendar'), 'CalendarPage'),
});

const productionRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'production',
  component: lazyRouteComponent(() => import('./routes/production'), 'ProductionPage'),
});

const importsRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'imports',
  component: lazyRouteComponent(() => import('./routes/imports'), 'ImportsPage'),
});

const newImportRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'imports/new',
  component: lazyRouteComponent(() => import('./routes/imports'), 'NewImportPage'),
});

const importRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'imports/$importId',
  component: lazyRouteComponent(() => import('./routes/imports'), 'ImportPage'),
});

const trashRoute = createRoute({
  getParentRoute: () => appLayoutRoute,
  path: 'trash',
  component: lazyRouteComponent(() => import('./routes/trash'), 'TrashPage'),
});

const routeTree = rootRoute.addChildren([
  publicLayoutRoute.addChildren([
    setupRoute,
    loginRoute,
    signupRoute,
    forgotPasswordRoute,
    resetPasswordRoute,
    acceptInvitationRoute,
    awaitingApprovalRoute,
  ]),
  appLayoutRoute.addChildren([
    homeRoute,
    profileRoute,
    settingsIndexRoute,
    workspaceSettingsRoute,
    usersSettingsRoute,
    rolesSettingsRoute,
    outboxSettingsRoute,
    auditSettingsRoute,
    leadsRoute,
    leadDetailRoute,
    fieldsSettingsRoute,
    integrationsSettingsRoute,
    webFormsSettingsRoute,
    boardRoute,
    clientsRoute,
    pipelinesSettingsRoute,
    lostReasonsSettingsRoute,
    presetsSettingsRoute,
    cadencesSettingsRoute,
    exportSettingsRoute,
    marketingSettingsRoute,
    distributionSettingsRoute,
    myQueueRoute,
    tasksRoute,
    taskDetailRoute,
    calendarRoute,
    productionRoute,
    importsRoute,
    newImportRoute,
    importRoute,
    trashRoute,
  ]),
]);

export const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPreload: 'intent',
  // Data freshness is TanStack Query's job; the router always asks it.
  defaultPreloadStaleTime: 0,
  defaultPendingComponent: () => <LoadingScreen fullHeight />,
  defaultPendingMs: 300,
  defaultErrorComponent: RouteError,
  scrollRestoration: true,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}

/** A session that ends while the user is on a signed-in page sends them to the login page. */
onAuthFailure((error) => {
  const onSignedInPage = router.state.matches.some((match) => match.routeId === appLayoutRoute.id);
  if (!onSignedInPage) return false;
  void router.navigate({
    to: '/login',
    search: {
      redirect: router.state.location.href,
      reason: error.code === 'SESSION_EXPIRED' ? 'expired' : undefined,
    },
  });
  return true;
});
