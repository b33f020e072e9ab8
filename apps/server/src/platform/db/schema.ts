export * from '../../modules/accounts/accounts.table.ts';
export * from '../../modules/workspaces/workspaces.table.ts';
export * from '../audit/audit.table.ts';
export * from '../mail/mail.table.ts';
export * from '../secrets/secrets.table.ts';
export * from '../../modules/pipelines/pipelines.table.ts';
export * from '../../modules/custom-fields/custom-fields.table.ts';
export * from '../../modules/leads/leads.table.ts';
