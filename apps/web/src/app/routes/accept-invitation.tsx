import { useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '@/components/auth-card';
import { LoadingScreen } from '@/components/loading-screen';
import { AcceptInvitation } from '@/features/auth/components/accept-invitation';
import { getMeQueryOptions } from '@/features/profile/api/get-me';

const routeApi = getRouteApi('/_public/accept-invitation');

export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const { token } = routeApi.useSearch();
  const navigate = useNavigate();
  // Someone may already be signed in: with the invited account they accept with one click.
  const me = useQuery({ ...getMeQueryOptions(), retry: false });

  return (
    <AuthCard title={t('invitation.title')}>
      {me.isPending ? (
        <LoadingScreen />
      ) : (
        <AcceptInvitation
          token={token ?? ''}
          signedInEmail={me.data?.user.email ?? null}
          onAccepted={() => void navigate({ to: '/' })}
        />
      )}
    </AuthCard>
  );
}
