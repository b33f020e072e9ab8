import { Navigate } from '@tanstack/react-router';
import { visibleNavItems } from '../nav';
import { useSession } from '../session';

/** /settings opens the first settings page the user may see. */
export function SettingsIndexPage() {
  const { can } = useSession();
  const first = visibleNavItems(can, 'settings')[0];
  return <Navigate to={first?.to ?? '/'} replace />;
}
