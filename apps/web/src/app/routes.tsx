import { createBrowserRouter, Navigate } from 'react-router';
import { LoginPage } from '../features/auth/LoginPage';
import { AdminPage } from '../features/admin/AdminPage';
import { AuditPage } from '../features/audit/AuditPage';
import { PrintPage } from '../features/print/PrintPage';
import { RecipientPage } from '../features/recipients/RecipientPage';
import { RecipientsListPage } from '../features/recipients/RecipientsListPage';
import { useMe } from '../shared/session/session';
import { AuthenticatedLayout } from './AuthenticatedLayout';
import { NotFoundPage, RequireRole } from './RequireRole';
import { AREA_ROLES, homeFor } from './roles';

function Home() {
  return <Navigate to={homeFor(useMe().user.role)} replace />;
}

/** Every client-side route. The server answers each of them with index.html, so they work on reload and as links. */
export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    element: <AuthenticatedLayout />,
    children: [
      { index: true, element: <Home /> },
      { path: 'recipients', element: <RequireRole roles={AREA_ROLES.recipients}><RecipientsListPage /></RequireRole> },
      { path: 'recipients/:id', element: <RequireRole roles={AREA_ROLES.recipients}><RecipientPage /></RequireRole> },
      { path: 'recipients/:id/print', element: <RequireRole roles={AREA_ROLES.recipients}><PrintPage /></RequireRole> },
      { path: 'audit', element: <RequireRole roles={AREA_ROLES.audit}><AuditPage /></RequireRole> },
      { path: 'admin', element: <RequireRole roles={AREA_ROLES.admin}><AdminPage /></RequireRole> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
